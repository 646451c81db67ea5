/**
 * The inspector end to end in headless Chromium (Debian `chromium`, or CHROMIUM_PATH): open the page, post a
 * signed event, see it appear live (SSE), open it and see its raw body, verdict and session timeline.
 */
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, signedHuaweiLive } from "./helpers.js";

let browser: Browser;
let base: string;

beforeAll(async () => {
  base = (await makeReceiver()).url;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

test("a posted event appears live and opens with its raw body and timeline", async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  // The page runs under its CSP (issue 15 item 7): every violation is reported to the console.
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) violations.push(m.text());
  });
  const opened = await page.goto(base);
  expect(opened?.headers()["content-security-policy"]).toContain("script-src 'sha256-");
  await page.getByText("live", { exact: true }).waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("event-row").count()).toBe(0);

  const body = signedHuaweiLive(huaweiLiveEvent({ job_id: "browser-job", stream: "browser-stream" }));
  const res = await fetch(`${base}/hooks/huawei-live`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  expect(res.status).toBe(200);

  const row = page.getByTestId("event-row").filter({ hasText: "browser-stream" });
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await page.getByTestId("detail-title").filter({ hasText: "RECORD_FILE_COMPLETE" }).waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("raw-body").textContent()).toBe(body);
  expect(await page.locator("#detail").textContent()).toContain("Session timeline");
  expect(await page.locator("#timeline li").count()).toBe(1);

  // A tampered delivery is rejected, never listed as an event, and visible among rejected attempts.
  const tampered = await fetch(`${base}/hooks/huawei-live`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body.replace("browser-stream", "forged-stream"),
  });
  expect(tampered.status).toBe(401);
  // The rejection is recorded best-effort after the 401, so reopen the list until it is there.
  await expect
    .poll(
      async () => {
        await page.getByRole("button", { name: "Rejected attempts" }).click();
        await page.getByText("Rejected attempts (never stored as events)").waitFor({ timeout: 20_000 });
        return page.getByTestId("rejection-row").filter({ hasText: "bad_signature" }).count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  expect(await page.getByTestId("event-row").filter({ hasText: "forged-stream" }).count()).toBe(0);

  // Filters narrow the list.
  await page.selectOption("select[name=vendor]", "aliyun-live");
  await expect.poll(() => page.getByTestId("event-row").count(), { timeout: 20_000 }).toBe(0);

  // Everything above ran without a violation; a script injected into the page does not run.
  expect(violations).toEqual([]);
  await page.evaluate(
    "const script = document.createElement('script'); script.textContent = \"document.title = 'injected'\"; document.body.appendChild(script);",
  );
  await expect.poll(() => violations.length, { timeout: 20_000 }).toBe(1);
  expect(await page.title()).toBe("livehook receiver");
  await page.close();
});

test("a forged variant shows its badge, what was signed and the event it copies the signature of", async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(base);
  await page.getByText("live", { exact: true }).waitFor({ timeout: 20_000 });
  const signed = signedHuaweiLive(huaweiLiveEvent({ job_id: "genuine-job", stream: "variant-stream" }));
  const send = (body: string) =>
    fetch(`${base}/hooks/huawei-live`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const genuine = await send(signed);
  const forged = await send(JSON.stringify({ ...JSON.parse(signed), job_id: "forged-job", file_size: 1 }));
  expect([genuine.status, forged.status]).toEqual([200, 200]);
  const genuineId = genuine.headers.get("x-livehook-event-id");
  const forgedId = forged.headers.get("x-livehook-event-id");

  const row = page.locator(`tr[data-id="${forgedId}"]`);
  await row.waitFor({ timeout: 20_000 });
  expect(await row.getByTestId("anomaly-badge").textContent()).toBe("forged variant");
  expect(await row.textContent()).toContain("fields signed");
  await row.click();
  await page
    .getByTestId("detail-title")
    .filter({ hasText: `Event #${forgedId}` })
    .waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("anomaly").textContent()).toContain(
    `same signature and signed fields as event #${genuineId}`,
  );
  const detail = await page.locator("#detail").textContent();
  expect(detail).toContain(
    "only these fields: auth_timestamp, event_type, publish_domain, app, stream, download_url, play_url",
  );

  // The filter lists both events of the pair and nothing else.
  await page.selectOption("select[name=verdict]", "forged_variant");
  await expect.poll(() => page.getByTestId("event-row").count(), { timeout: 20_000 }).toBe(2);
  await page.close();
});
