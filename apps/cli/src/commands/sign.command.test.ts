/**
 * The declaration types the handler: these assertions are checked by `tsc` (the typecheck covers test files), and
 * the last test shows that the names the types promise are the ones commander fills in at run time.
 */
import { describe, expect, expectTypeOf, test } from "vitest";
import { testContext } from "../../test/cli-harness.js";
import type { CliContext } from "../context.js";
import type { Vendor } from "../vendors.js";
import { type SignOptions, signCommand } from "./sign.command.js";
import type { runSign } from "./sign.js";

describe("the sign command's declaration", () => {
  test("gives its handler the declared arguments and options", () => {
    expectTypeOf<Parameters<typeof runSign>>().toEqualTypeOf<
      [scheme: Vendor, file: string | undefined, opts: SignOptions, ctx: CliContext]
    >();
    expectTypeOf<SignOptions["signType"]>().toEqualTypeOf<"HMACSHA256" | "MD5">();
    expectTypeOf<SignOptions["key"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<SignOptions["signatureOnly"]>().toEqualTypeOf<true | undefined>();
  });

  test("a misspelled option name fails the typecheck", () => {
    expectTypeOf<SignOptions>().not.toHaveProperty("signtype");
    // @ts-expect-error: --sign-type arrives as `signType`, so a handler reading `signtype` does not compile
    const misspelled = (opts: SignOptions) => opts.signtype;
    expect(typeof misspelled).toBe("function");
  });

  test("commander fills in the options under the typed names", async () => {
    let received: { scheme: Vendor; file: string | undefined; opts: SignOptions } | undefined;
    const command = signCommand(testContext().ctx).action((scheme, file, opts) => {
      received = { scheme, file, opts };
    });
    await command.parseAsync(["huawei-rtc", "body.json", "-k", "a", "--key", "b", "--signature-only"], {
      from: "user",
    });
    expect(received).toEqual({
      scheme: "huawei-rtc",
      file: "body.json",
      opts: { key: ["a", "b"], signType: "HMACSHA256", signatureOnly: true },
    });
  });
});
