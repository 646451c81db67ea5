/**
 * `--auth on` for Huawei Live and SparkRTC (§6.1): core's APIG verifier decides, this module maps its verdict to
 * the gateway's reply, 401 `APIGW.0301` (D21) with the vendor's message variants.
 */
import { type RequestVerdict, verifyHuaweiApigRequest } from "@livehook/core";
import type { Credentials, MockDeps } from "../deps.js";
import type { ApigLockout } from "./lockout.js";

export type ApigRejection = { status: 401; body: { error_code: string; error_msg: string; request_id: string } };

const PREFIX = "Incorrect IAM authentication information: ";
/** The vendor names the lock-out but not its message; this wording is the mock's (D). */
export const LOCKED_MESSAGE = "the AK/SK is locked for 5 minutes after 5 consecutive signature failures";

export function checkHuaweiApig(
  deps: MockDeps,
  credentials: Credentials,
  req: { method: string; url: URL; headers: Headers; raw: Uint8Array; projectId?: string | undefined },
  requestId: string,
  /** Given when the `apig_lockout` setting is on. */
  lockout?: ApigLockout | undefined,
): ApigRejection | undefined {
  const reject = (msg: string): ApigRejection => ({
    status: 401,
    body: { error_code: "APIGW.0301", error_msg: PREFIX + msg, request_id: requestId.slice(0, 32) },
  });
  const authorization = req.headers.get("authorization");
  if (authorization === null || authorization === "") {
    const token = req.headers.get("x-auth-token");
    if (token === null) return reject("x-auth-token not found");
    // §6.1: tokens on the allow-list (LIVEHOOK_MOCK_TOKENS) pass; any other token cannot be "decrypted".
    return credentials.tokens?.includes(token) ? undefined : reject("decrypt token fail");
  }
  const accessKey = /Access=([^,\s]*)/.exec(authorization)?.[1] ?? "";
  if (lockout?.locked(accessKey)) return reject(LOCKED_MESSAGE);
  const failed = (msg: string): ApigRejection => {
    lockout?.failure(accessKey);
    return reject(msg);
  };
  const verdict: RequestVerdict = verifyHuaweiApigRequest(
    {
      method: req.method,
      path: req.url.pathname,
      query: req.url.search,
      headers: req.headers,
      body: req.raw,
    },
    (ak) => (ak === credentials.accessKeyId ? credentials.accessKeySecret : undefined),
    { now: deps.clock.now() },
  );
  if (!verdict.ok) {
    if (verdict.reason === "unknown_access_key") {
      return reject(`Get secretKey failed,ak:${accessKey},err:ak not exist`);
    }
    return failed("verify aksk signature fail");
  }
  // D: X-Project-Id must name the project of the path.
  if (req.projectId !== undefined) {
    const headerProject = req.headers.get("x-project-id");
    if (headerProject !== null && headerProject !== req.projectId) return failed("verify aksk signature fail");
  }
  lockout?.success(accessKey);
  return undefined;
}
