/**
 * `--auth on` for Huawei Live and SparkRTC (§6.1): core's APIG verifier decides, this module maps its verdict to
 * the gateway's reply, a thrown 401 `APIGW.0301` (D21) with the vendor's message variants.
 */
import { type RequestVerdict, verifyHuaweiApigRequest } from "@livehook/core";
import type { Credentials, MockDeps } from "../deps.js";
import { apigError } from "../vendor-error.js";
import type { ApigLockout } from "./lockout.js";

const PREFIX = "Incorrect IAM authentication information: ";
/** The vendor names the lock-out but not its message; this wording is the mock's (D). */
export const LOCKED_MESSAGE = "the AK/SK is locked for 5 minutes after 5 consecutive signature failures";

export function checkHuaweiApig(
  deps: MockDeps,
  credentials: Credentials,
  req: { method: string; url: URL; headers: Headers; raw: Uint8Array; projectId?: string | undefined },
  /** Given when the `apig_lockout` setting is on. */
  lockout?: ApigLockout | undefined,
): void {
  const reject = (msg: string) => apigError(401, "APIGW.0301", PREFIX + msg);
  const authorization = req.headers.get("authorization");
  if (authorization === null || authorization === "") {
    const token = req.headers.get("x-auth-token");
    if (token === null) throw reject("x-auth-token not found");
    // §6.1: tokens on the allow-list (LIVEHOOK_MOCK_TOKENS) pass; any other token cannot be "decrypted".
    if (credentials.tokens?.includes(token)) return;
    throw reject("decrypt token fail");
  }
  const accessKey = /Access=([^,\s]*)/.exec(authorization)?.[1] ?? "";
  if (lockout?.locked(accessKey)) throw reject(LOCKED_MESSAGE);
  const failed = (msg: string) => {
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
      throw reject(`Get secretKey failed,ak:${accessKey},err:ak not exist`);
    }
    throw failed("verify aksk signature fail");
  }
  // D: X-Project-Id must name the project of the path.
  if (req.projectId !== undefined) {
    const headerProject = req.headers.get("x-project-id");
    if (headerProject !== null && headerProject !== req.projectId) throw failed("verify aksk signature fail");
  }
  lockout?.success(accessKey);
}
