/** `livehook load`: its declaration. The implementation (undici, core, the mock's event builders) loads when it runs. */
import { Command } from "@commander-js/extra-typings";
import { collect, jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { DEFAULT_URLS } from "../env.js";
import { receiverOption, timeoutOption, vendorsOption } from "../vocabulary.js";

export function loadCommand(ctx: CliContext) {
  return new Command("load")
    .description("send distinct, correctly signed callbacks at a fixed rate or as fast as a receiver answers")
    .addOption(
      receiverOption(
        `the receiver (default: LIVEHOOK_RECEIVER_URL or ${DEFAULT_URLS.receiver}; requests go to its /hooks/<vendor>), ` +
          "or a callback URL, where {vendor} becomes the vendor; repeat to spread the requests over several",
      ).argParser(collect),
    )
    .addOption(
      vendorsOption("only this vendor (repeatable; default: all three, or the one a /hooks/<vendor> URL names)"),
    )
    .addOption(keyOption())
    .option("--rate <n>", "requests per second (default: as fast as the receiver answers)")
    .option("--duration <seconds>", "stop after this long (default 10, unless --count is given)")
    .option("--count <n>", "stop after this many requests (retries not counted)")
    .option("--connections <n>", "keep-alive connections per URL (default 16)")
    .option("--duplicates <share>", "share of requests that resend an event already sent, re-signed (0–1, default 0)")
    .option("--retries <n>", "resend a failed delivery up to n times, re-signed (default 0)")
    .option("--retry-delay <ms>", "wait before each retry (default 1000, the vendors' own)")
    .addOption(timeoutOption("give up on one request after this (default 5, the vendors' own)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Events come from the mock's recording simulator: every request is a new event (new stream, task and file ids)
unless --duplicates makes it a resend. What counts as delivered, and so what --retries resends, is each vendor's
own rule: HTTP 200 for Huawei Live and SparkRTC, any 2xx for Alibaba (whose 4xx are not retried).

With --rate, request i is due at start + i/rate whatever happened before it, and its latency counts from that
moment, not from when a connection was free: a receiver that stalls shows as high latency, not as a lower rate
(coordinated omission is corrected). Without --rate each connection sends its next request when the last one is
answered, and latency counts from the send.

The summary gives the achieved rate, the answers by status and reason (the receiver's JSON "error" or "reason";
"duplicate" for a livehook receiver's 200 to an event it already stored) and latency p50, p90, p99 and max.
Exit code 1 when a delivery failed, 3 when no request got an answer.
${KEY_ENV_HELP}`,
    )
    .action(async (opts) => {
      const { runLoadCommand } = await import("./load.js");
      await runLoadCommand(opts, ctx);
    });
}

export type LoadOptions = OptionsOf<ReturnType<typeof loadCommand>>;
