/**
 * The words every command shares (issue 18 item 5): one option for the receiver's URL, one for how long to wait,
 * one spelling of each vendor (with the command groups' short names as aliases), and the old option names kept
 * as hidden aliases that say what replaced them. Light, like command-options.ts: `--help` loads it.
 */
import { Argument, type CommandUnknownOpts, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.js";
import { DEFAULT_URLS } from "./env.js";
import { VENDORS, type Vendor } from "./vendors.js";

/** The short names of the command groups (`livehook huawei|rtc|aliyun …`) and the products' own names. */
export const VENDOR_ALIASES: Readonly<Record<string, Vendor>> = {
  huawei: "huawei-live",
  "huawei-live": "huawei-live",
  rtc: "huawei-rtc",
  sparkrtc: "huawei-rtc",
  "huawei-rtc": "huawei-rtc",
  aliyun: "aliyun-live",
  alibaba: "aliyun-live",
  "aliyun-live": "aliyun-live",
};

const VENDOR_WORDS = `${VENDORS.join(", ")} (or huawei, rtc, aliyun)`;

/** A vendor as the user spelled it, in any case, to its id; anything else is a usage error listing the ids. */
export function parseVendor(value: string): Vendor {
  const vendor = VENDOR_ALIASES[value.trim().toLowerCase()];
  if (vendor === undefined) throw new InvalidArgumentError(`"${value}" is not a vendor: ${VENDOR_WORDS}.`);
  return vendor;
}

/** `--vendor <vendor>`. The choices are kept for help and shell completion; the parser accepts the aliases too. */
export const vendorOption = (description: string) =>
  new Option("--vendor <vendor>", `${description}; also huawei, rtc, aliyun`).choices(VENDORS).argParser(parseVendor);

/** A repeatable `--vendor <vendor>`: every vendor named, in order, each once. */
export const vendorsOption = (description: string) =>
  new Option("--vendor <vendor>", `${description}; also huawei, rtc, aliyun`)
    .choices(VENDORS)
    .argParser((value: string, previous: Vendor[] | undefined): Vendor[] => {
      const vendor = parseVendor(value);
      return previous?.includes(vendor) ? previous : [...(previous ?? []), vendor];
    });

/** `<vendor>` / `<scheme>` positional argument, with the same spellings as `--vendor`. */
export const vendorArgument = (name: "<vendor>" | "<scheme>", description: string) =>
  new Argument(name, `${description}: ${VENDOR_WORDS}`).choices(VENDORS).argParser(parseVendor);

/** The receiver's URL, in every command that talks to one. */
export const receiverOption = (
  description = `the receiver's URL (default: LIVEHOOK_RECEIVER_URL or ${DEFAULT_URLS.receiver})`,
) => new Option("--receiver <url>", description);

/** How long a command waits for something to happen before it gives up, in every command that waits. */
export const timeoutOption = (description: string) => new Option("--timeout <seconds>", description);

/**
 * Keeps an old option name working, hidden from help and completion: using it prints one line naming its
 * replacement, and its value lands in the replacement's slot, so the command reads one option only.
 */
export function deprecatedAlias<C extends CommandUnknownOpts>(
  cmd: C,
  ctx: CliContext,
  flags: string,
  replacement: string,
): C {
  const alias = new Option(flags).hideHelp();
  const target = cmd.options.find((o) => o.long === replacement);
  if (target === undefined) throw new Error(`${replacement} is not an option of ${cmd.name()}`);
  cmd.addOption(alias);
  cmd.on(`option:${alias.name()}`, (value: unknown) => {
    ctx.writeErr(`note: ${alias.long} is deprecated; use ${replacement}\n`);
    cmd.setOptionValueWithSource(target.attributeName(), value, "cli");
  });
  return cmd;
}
