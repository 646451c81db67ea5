/**
 * The inspector end to end in headless Chromium (Debian `chromium`, or CHROMIUM_PATH): open the page, post a
 * signed event, see it appear live (SSE), open it and see its raw body, verdict and session timeline; share a view
 * by its URL; copy the body or a curl command; resend to the forward target; use it 800 px wide.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  aliyunFileEvent,
  huaweiLiveEvent,
  makeReceiver,
  NOW_S,
  post,
  signedAliyun,
  signedHuaweiLive,
} from "./helpers.js";

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

/** Posts a signed Huawei Live event to a receiver and returns its id. */
async function postEvent(url: string, over: Record<string, unknown>): Promise<{ id: string; body: string }> {
  const body = signedHuaweiLive(huaweiLiveEvent(over));
  const res = await fetch(`${url}/hooks/huawei-live`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  expect(res.status).toBe(200);
  return { id: res.headers.get("x-livehook-event-id") ?? "", body };
}

test("deep links: the URL holds the filters and the selected event; back and forward restore them", async () => {
  const a = await postEvent(base, { job_id: "deep-a-job", stream: "deep-a" });
  const b = await postEvent(base, { job_id: "deep-b-job", stream: "deep-b", event_type: "RECORD_NEW_FILE_START" });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const title = (id: string) => page.getByTestId("detail-title").filter({ hasText: `Event #${id} ` });

  // A shared link opens the same view: the filter in its box, the list narrowed, the event open.
  await page.goto(`${base}/?stream=DEEP&event=${a.id}`);
  await title(a.id).waitFor({ timeout: 20_000 });
  expect(await page.inputValue("input[name=stream]")).toBe("DEEP");
  await expect.poll(() => page.getByTestId("event-row").count(), { timeout: 20_000 }).toBe(2);
  expect(await page.locator(`tr[data-id="${a.id}"]`).getAttribute("class")).toContain("selected");

  await page.locator(`tr[data-id="${b.id}"]`).click();
  await title(b.id).waitFor({ timeout: 20_000 });
  expect(new URL(page.url()).searchParams.get("event")).toBe(b.id);

  await page.goBack();
  await title(a.id).waitFor({ timeout: 20_000 });
  expect(new URL(page.url()).searchParams.get("event")).toBe(a.id);
  await page.goForward();
  await title(b.id).waitFor({ timeout: 20_000 });

  // Substring filters: anywhere in the value, any case; a filter is a history entry too.
  await page.fill("input[name=eventType]", "new_file");
  await expect.poll(() => page.getByTestId("event-row").count(), { timeout: 20_000 }).toBe(1);
  await expect.poll(() => new URL(page.url()).searchParams.get("eventType"), { timeout: 20_000 }).toBe("new_file");
  await page.goBack();
  await expect.poll(() => page.inputValue("input[name=eventType]"), { timeout: 20_000 }).toBe("");
  await expect.poll(() => page.getByTestId("event-row").count(), { timeout: 20_000 }).toBe(2);
  await page.close();
});

test("copy body, copy as curl (re-sends the signed request), resend to the forward target", async () => {
  const received: { signature: string | undefined; body: string }[] = [];
  const app = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      received.push({ signature: req.headers["webhook-signature"] as string | undefined, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks`;
  try {
    const forwarding = await makeReceiver({ config: { forward: { "huawei-live": appUrl } } });
    const event = await postEvent(forwarding.url, { job_id: "copy-job", stream: "copy-stream" });
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      permissions: ["clipboard-read", "clipboard-write"],
    });
    const page = await context.newPage();
    await page.goto(`${forwarding.url}/?event=${event.id}`);
    await page
      .getByTestId("detail-title")
      .filter({ hasText: `Event #${event.id} ` })
      .waitFor({ timeout: 20_000 });
    const clipboard = () => page.evaluate<string>("navigator.clipboard.readText()");

    await page.getByRole("button", { name: "Copy body" }).click();
    await page.getByText("Copied body").waitFor({ timeout: 20_000 });
    expect(await clipboard()).toBe(event.body);

    await page.getByRole("button", { name: "Copy as curl" }).click();
    await page.getByText("Copied curl command").waitFor({ timeout: 20_000 });
    const command = await clipboard();
    expect(command).toMatch(new RegExp(`^curl -sS -X POST '${forwarding.url}/hooks/huawei-live'`));
    // Run as a shell would (asynchronously: the receiver runs in this process): the receiver takes it as the same
    // signed delivery again, a duplicate.
    await promisify(execFile)("sh", ["-c", command], { timeout: 20_000 });
    const stored = (await (await fetch(`${forwarding.url}/api/events/${event.id}`)).json()) as { duplicates: number };
    expect(stored.duplicates).toBe(1);

    await page.getByTestId("resend").click();
    await page.getByText(/^App answered 204 in \d+ ms$/).waitFor({ timeout: 20_000 });
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toBe(event.body);
    expect(received[0]?.signature).toMatch(/^v1,/);

    // No target for this vendor: the button is disabled, and the page says why.
    const aliyun = await post(
      forwarding.app,
      "/hooks/aliyun-live",
      JSON.stringify(aliyunFileEvent()),
      signedAliyun({ ts: NOW_S + 6 }),
    );
    expect(aliyun.status).toBe(200);
    await page.goto(`${forwarding.url}/?event=${aliyun.headers.get("x-livehook-event-id")}`);
    await page.getByText("Resend needs a forwarding target for aliyun-live").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("resend").isDisabled()).toBe(true);
    await context.close();
  } finally {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  }
});

test("usable at 800x600: no horizontal scroll, event names and streams never clipped", async () => {
  await postEvent(base, {
    job_id: "narrow-job",
    event_type: "RECORD_NEW_FILE_START",
    stream: "a-rather-long-stream-name-that-would-not-fit-in-a-narrow-column-0123456789",
  });
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(base);
  await page.getByText("live", { exact: true }).waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="event-row"]', { hasText: "narrow-column" }).waitFor({ timeout: 20_000 });
  // Run in the page (the tests' TypeScript has no DOM types): what is wider than the box that shows it.
  const overflow = () =>
    page.evaluate<{ page: boolean; list: boolean; detail: boolean; cells: string[] }>(`(() => {
      const clipped = (node) => node.scrollWidth > node.clientWidth;
      return {
        page: document.documentElement.scrollWidth > window.innerWidth,
        list: clipped(document.getElementById("list")),
        detail: clipped(document.getElementById("detail")),
        cells: [...document.querySelectorAll("#events td")].filter(clipped).map((td) => td.textContent),
      };
    })()`);
  expect(await overflow()).toEqual({ page: false, list: false, detail: false, cells: [] });
  const names = await page.getByTestId("event-name").allTextContents();
  expect(names).toContain("RECORD_NEW_FILE_START");

  await page.locator('[data-testid="event-row"]', { hasText: "narrow-column" }).click();
  await page.getByTestId("raw-body").waitFor({ timeout: 20_000 });
  expect(await overflow()).toEqual({ page: false, list: false, detail: false, cells: [] });
  await page.close();
});
