/**
 * Arguments and options that several commands declare, written once. Each is a factory, so every command gets its own
 * instance. This module stays light (commander and the vendor names), because `--help` loads it.
 */
import { Option } from "@commander-js/extra-typings";
import { DEFAULT_URLS } from "./env.js";
import { vendorArgument } from "./vocabulary.js";

/**
 * The option values a declared command hands its action, e.g. `OptionsOf<ReturnType<typeof signCommand>>`. Actions
 * have a block body: an expression body would make the command's type depend on its handler's, a cycle.
 */
export type OptionsOf<C extends { opts: () => unknown }> = ReturnType<C["opts"]>;

/** Makes an option repeatable: its value is then every occurrence, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const schemeArgument = () => vendorArgument("<scheme>", "callback scheme");

export const keyOption = () =>
  new Option(
    "-k, --key <key>",
    "callback key; repeat to try several (rotation). Default: LIVEHOOK_<VENDOR>_KEY(S)",
  ).argParser(collect);

export const jsonOption = () => new Option("--json", "print JSON instead of text");

export const mockUrlOption = () =>
  new Option("--mock <url>", `the mock's URL (default: LIVEHOOK_MOCK_URL or ${DEFAULT_URLS.mock})`);

export const KEY_ENV_HELP = `Keys come from --key, else LIVEHOOK_HUAWEI_LIVE_KEY(S), LIVEHOOK_HUAWEI_RTC_KEY(S) or LIVEHOOK_ALIYUN_LIVE_KEY(S)
(the plural form takes a comma-separated list).`;
