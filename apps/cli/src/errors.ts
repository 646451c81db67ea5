/**
 * Exit codes scripts can rely on, and the typed errors commands throw to reach them. Only `main.ts` turns a code
 * into a process exit; commands and helpers throw (STYLE habit 25).
 */
export const EXIT = {
  ok: 0,
  /** A check ran and failed: signature mismatch, doctor finding, reconcile gap, failed deliveries. */
  failure: 1,
  /** The command line is wrong: unknown flag, missing argument, bad value, unreadable input file. */
  usage: 2,
  /** A URL could not be reached (connection refused, DNS, timeout). */
  unreachable: 3,
  /** The vendor API (or the mock) answered with an error code. */
  vendor: 4,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A user-facing failure: printed as one line, never with a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

/** A check that ran to the end and found a problem. The message is the one-line verdict. */
export class CheckFailed extends CliError {
  constructor(message: string) {
    super(message, EXIT.failure);
    this.name = "CheckFailed";
  }
}

/** What to run when the mock is not there (the last part of an UnreachableError). */
export const MOCK_NEXT_STEP = "start it with `livehook mock`, or the mock and a receiver with `livehook start`";
/** What to run when the receiver is not there. */
export const RECEIVER_NEXT_STEP = "start it with `livehook receive`, or a receiver and the mock with `livehook start`";

export class UnreachableError extends CliError {
  readonly url: string;
  /** `nextStep`: what to run so the URL answers, when the CLI knows what should be there. */
  constructor(url: string, cause: string, nextStep?: string) {
    super(`cannot reach ${url} (${cause})${nextStep ? `; ${nextStep}` : ""}`, EXIT.unreachable);
    this.name = "UnreachableError";
    this.url = url;
  }
}

/** An error answer from a vendor API, carrying the vendor's own code (`LIVE.100011001`, `InvalidConfig.NotFound`…). */
export class VendorError extends CliError {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  /** `likelyCause`: what the code means for this call, when the vendor's own message names no rule. */
  constructor(status: number, code: string, message: string, requestId?: string, likelyCause?: string) {
    super(
      `${code} (HTTP ${status}): ${message}${likelyCause ? `; likely cause: ${likelyCause}` : ""}${requestId ? ` [request id ${requestId}]` : ""}`,
      EXIT.vendor,
    );
    this.name = "VendorError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}
