/**
 * The web inspector: one static page, plain HTML + JS, no build step. It reads the query API and follows
 * /api/events/stream. Every value from an event is inserted with textContent, never as HTML, because event
 * bodies come from the outside world.
 */
import { createHash } from "node:crypto";

export const INSPECTOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>livehook receiver</title>
<style>
  :root { --bg:#f7f7f8; --panel:#fff; --line:#e2e2e6; --text:#1d1d22; --muted:#6b6b76; --ok:#137333; --warn:#a05a00; --bad:#b3261e; --accent:#2956d6; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--text); background:var(--bg); }
  header { display:flex; align-items:center; gap:16px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); }
  header h1 { font-size:16px; margin:0; }
  #live { font-size:12px; color:var(--muted); }
  #live.on::before { content:"●"; color:var(--ok); margin-right:4px; }
  form#filters { display:flex; flex-wrap:wrap; gap:8px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); }
  form#filters label { display:flex; flex-direction:column; font-size:11px; color:var(--muted); }
  form#filters input, form#filters select { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:4px; min-width:120px; }
  main { display:grid; grid-template-columns: minmax(460px, 1fr) minmax(420px, 1fr); height: calc(100vh - 118px); }
  #list { overflow:auto; border-right:1px solid var(--line); background:var(--panel); }
  table { border-collapse:collapse; width:100%; }
  th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; max-width:170px; }
  table { table-layout:auto; }
  th { position:sticky; top:0; background:#fafafb; font-size:12px; color:var(--muted); font-weight:600; }
  tbody tr { cursor:pointer; }
  tbody tr:hover { background:#f0f4ff; }
  tbody tr.selected { background:#e3ebff; }
  tbody tr.fresh { animation: fresh 2s ease-out; }
  @keyframes fresh { from { background:#fff6c2; } to { background:transparent; } }
  .badge { display:inline-block; padding:1px 6px; border-radius:10px; font-size:11px; font-weight:600; }
  .b-ok { background:#e6f4ea; color:var(--ok); } .b-warn { background:#fef3e0; color:var(--warn); } .b-bad { background:#fce8e6; color:var(--bad); }
  #detail { overflow:auto; padding:14px 18px; }
  #detail h2 { font-size:15px; margin:0 0 8px; }
  #detail h3 { font-size:13px; margin:18px 0 6px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
  dl { display:grid; grid-template-columns: 160px 1fr; gap:4px 12px; margin:0; }
  dt { color:var(--muted); } dd { margin:0; word-break:break-all; }
  pre { white-space:pre-wrap; word-break:break-all; background:#1e1f24; color:#e8e8ec; padding:10px 12px; border-radius:6px; overflow:auto; font:12px/1.5 ui-monospace, Menlo, Consolas, monospace; max-height:340px; }
  ol#timeline { list-style:none; padding:0; margin:0; border-left:2px solid var(--line); }
  ol#timeline li { padding:4px 10px; position:relative; }
  ol#timeline li::before { content:""; position:absolute; left:-6px; top:10px; width:10px; height:10px; border-radius:50%; background:var(--accent); }
  ol#timeline li.current { font-weight:600; }
  .anomaly { color:var(--bad); }
  .muted { color:var(--muted); }
  button.more { margin:10px; font:inherit; }
  header button { margin-left:auto; font:inherit; padding:4px 10px; border:1px solid var(--line); border-radius:4px; background:#fff; cursor:pointer; }
</style>
</head>
<body>
<header><h1>livehook receiver</h1><span id="live">connecting…</span><span id="count" class="muted"></span><button id="show-rejections" type="button">Rejected attempts</button></header>
<form id="filters">
  <label>Vendor<select name="vendor"><option value="">all</option><option>huawei-live</option><option>huawei-rtc</option><option>aliyun-live</option></select></label>
  <label>Event type<input name="eventType" placeholder="e.g. RECORD_OVER"></label>
  <label>Domain<input name="domain"></label>
  <label>App<input name="app"></label>
  <label>Stream<input name="stream"></label>
  <label>Verdict<select name="verdict"><option value="">all</option><option value="body_authenticated">whole body signed</option><option value="fields_authenticated">named fields signed</option><option value="signature_only">signature only (body not covered)</option><option value="body_unauthenticated">body not wholly signed</option><option value="forged_variant">forged variants</option><option value="valid">schema valid</option><option value="invalid">schema invalid</option></select></label>
</form>
<main>
  <section id="list">
    <table><thead><tr><th>#</th><th>Received</th><th>Vendor</th><th>Event</th><th>Stream</th><th>Verdict</th></tr></thead>
    <tbody id="events"></tbody></table>
    <button class="more" id="more" hidden>Load older</button>
  </section>
  <section id="detail"><p class="muted">Select an event to see its raw body, headers, verdict and session timeline.</p></section>
</main>
<script>
(function () {
  "use strict";
  var token = new URLSearchParams(location.search).get("token");
  var form = document.getElementById("filters");
  var tbody = document.getElementById("events");
  var more = document.getElementById("more");
  var detail = document.getElementById("detail");
  var live = document.getElementById("live");
  var cursor = null, selected = null, source = null;

  function url(path, params) {
    var q = new URLSearchParams(params || {});
    if (token) q.set("token", token);
    var s = q.toString();
    return path + (s ? "?" + s : "");
  }
  function filters() {
    var out = {};
    new FormData(form).forEach(function (v, k) { if (v) out[k] = v; });
    return out;
  }
  function matches(e, f) {
    return (!f.vendor || e.vendor === f.vendor) && (!f.eventType || e.eventType === f.eventType) &&
      (!f.domain || e.domain === f.domain) && (!f.app || e.app === f.app) && (!f.stream || e.stream === f.stream) &&
      (!f.verdict || (f.verdict === "body_authenticated" && e.authenticated.scope === "body") ||
       (f.verdict === "body_unauthenticated" && e.authenticated.scope !== "body") ||
       (f.verdict === "fields_authenticated" && e.authenticated.scope === "fields") ||
       (f.verdict === "signature_only" && e.authenticated.scope === "none") ||
       (f.verdict === "forged_variant" && e.anomaly !== null) ||
       (f.verdict === "valid" && e.valid) || (f.verdict === "invalid" && !e.valid));
  }
  // What a valid signature vouched for: the badge, and the sentence in the detail pane.
  var SCOPE_BADGES = { body: ["verified", "b-ok"], fields: ["fields signed", "b-warn"], none: ["signature only", "b-warn"] };
  function coverage(a) {
    if (a.scope === "body") return "whole body: every byte is signed";
    if (a.scope === "fields") return "only these fields: " + a.fields.join(", ") + "; any other field may have been changed";
    return "nothing of the body: this scheme signs the key and timestamp only";
  }
  function el(tag, text, cls) { var n = document.createElement(tag); if (text != null) n.textContent = String(text); if (cls) n.className = cls; return n; }
  function badges(e) {
    var span = el("span");
    var scope = SCOPE_BADGES[e.authenticated.scope] || SCOPE_BADGES.none;
    span.appendChild(el("span", scope[0], "badge " + scope[1]));
    if (e.anomaly) {
      span.appendChild(document.createTextNode(" "));
      var forged = el("span", "forged variant", "badge b-bad"); forged.setAttribute("data-testid", "anomaly-badge"); span.appendChild(forged);
    }
    if (!e.valid) { span.appendChild(document.createTextNode(" ")); span.appendChild(el("span", "schema issues", "badge b-bad")); }
    if (e.duplicates > 0) { span.appendChild(document.createTextNode(" ")); span.appendChild(el("span", "×" + (e.duplicates + 1), "badge b-warn")); }
    return span;
  }
  function time(iso) { return iso ? new Date(iso).toLocaleString() : ""; }
  function row(e, fresh) {
    var tr = el("tr");
    tr.dataset.id = e.id;
    tr.setAttribute("data-testid", "event-row");
    if (fresh) tr.className = "fresh";
    var where = [e.domain, e.app, e.stream].filter(Boolean).join(" / ");
    [e.id, e.receivedAt ? new Date(e.receivedAt).toLocaleTimeString() : "", e.vendor, e.eventType || "?", e.stream || where].forEach(function (v) { tr.appendChild(el("td", v)); });
    tr.title = time(e.receivedAt) + " · " + where;
    var td = el("td"); td.appendChild(badges(e)); tr.appendChild(td);
    tr.addEventListener("click", function () { show(e.id); });
    return tr;
  }
  function load(reset) {
    var params = filters(); params.limit = "100";
    if (!reset && cursor) params.cursor = cursor;
    return fetch(url("/api/events", params)).then(function (r) { return r.json(); }).then(function (page) {
      if (reset) tbody.textContent = "";
      page.events.forEach(function (e) { tbody.appendChild(row(e, false)); });
      cursor = page.nextCursor; more.hidden = !cursor;
      document.getElementById("count").textContent = tbody.rows.length + " shown";
    });
  }
  function kv(dl, k, v) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
  function show(id) {
    selected = id;
    Array.prototype.forEach.call(tbody.rows, function (tr) { tr.classList.toggle("selected", tr.dataset.id === String(id)); });
    fetch(url("/api/events/" + id)).then(function (r) { return r.json(); }).then(function (e) {
      detail.textContent = "";
      var h = el("h2", "Event #" + e.id + " · " + (e.eventType || "unknown type")); h.setAttribute("data-testid", "detail-title"); detail.appendChild(h);
      detail.appendChild(badges(e));
      detail.appendChild(el("h3", "Verdict"));
      var dl = el("dl");
      kv(dl, "Signature", "valid (key #" + e.keyIndex + ")");
      kv(dl, "Authenticated", coverage(e.authenticated));
      if (e.anomaly) {
        kv(dl, "Anomaly", "forged variant: same signature and signed fields as event #" + e.anomaly.otherEventId + ", other unsigned fields");
        dl.lastChild.className = "anomaly"; dl.lastChild.setAttribute("data-testid", "anomaly");
      }
      kv(dl, "Schema", e.valid ? "valid" : "invalid (" + e.issues.length + " issue(s))");
      kv(dl, "Unknown fields", e.unknownFields.length ? e.unknownFields.join(", ") : "none");
      kv(dl, "Redeliveries", String(e.duplicates));
      kv(dl, "Vendor", e.vendor); kv(dl, "Received", time(e.receivedAt)); kv(dl, "Idempotency key", e.idemKey);
      if (e.forwardState) kv(dl, "Forwarding", e.forwardState + (e.forwardError ? " (" + e.forwardError + ")" : ""));
      detail.appendChild(dl);
      if (e.issues.length) { detail.appendChild(el("h3", "Schema issues")); detail.appendChild(el("pre", JSON.stringify(e.issues, null, 2))); }
      detail.appendChild(el("h3", "Raw body"));
      var pre = el("pre", e.rawBody); pre.setAttribute("data-testid", "raw-body"); detail.appendChild(pre);
      if (e.body !== null) { detail.appendChild(el("h3", "Parsed body")); detail.appendChild(el("pre", JSON.stringify(e.body, null, 2))); }
      detail.appendChild(el("h3", "Headers"));
      var hd = el("dl"); Object.keys(e.headers).sort().forEach(function (k) { kv(hd, k, e.headers[k]); }); detail.appendChild(hd);
      detail.appendChild(el("h3", "Session timeline"));
      if (!e.session) { detail.appendChild(el("p", "No session key in this event.", "muted")); return; }
      detail.appendChild(el("p", e.session.sessionKey + (e.session.ended ? " · ended" : " · open"), "muted"));
      var ol = el("ol"); ol.id = "timeline";
      e.session.events.forEach(function (s) {
        var li = el("li", "#" + s.id + " " + (s.eventType || "?") + " · " + time(s.receivedAt));
        if (s.id === e.id) li.className = "current";
        li.addEventListener("click", function () { show(s.id); });
        ol.appendChild(li);
      });
      detail.appendChild(ol);
      e.session.anomalies.forEach(function (a) { detail.appendChild(el("p", "⚠ " + a.kind + " at #" + a.eventId + ": " + a.detail, "anomaly")); });
    });
  }
  function follow() {
    if (source) source.close();
    source = new EventSource(url("/api/events/stream"));
    source.addEventListener("ready", function () { live.textContent = "live"; live.className = "on"; });
    source.addEventListener("event", function (m) {
      var e = JSON.parse(m.data);
      if (!matches(e, filters()) || tbody.querySelector('tr[data-id="' + e.id + '"]')) return;
      tbody.insertBefore(row(e, true), tbody.firstChild);
      document.getElementById("count").textContent = tbody.rows.length + " shown";
    });
    source.onerror = function () { live.textContent = "reconnecting…"; live.className = ""; };
  }
  function showRejections() {
    selected = null;
    fetch(url("/api/rejections")).then(function (r) { return r.json(); }).then(function (page) {
      detail.textContent = "";
      detail.appendChild(el("h2", "Rejected attempts (never stored as events)"));
      if (!page.rejections.length) { detail.appendChild(el("p", "None.", "muted")); return; }
      var table = el("table"), head = el("tr");
      ["#", "Received", "Vendor", "Status", "Reason"].forEach(function (h) { head.appendChild(el("th", h)); });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var body = el("tbody");
      page.rejections.forEach(function (r) {
        var tr = el("tr"); tr.setAttribute("data-testid", "rejection-row");
        [r.id, time(r.receivedAt), r.vendor, r.status, r.reason].forEach(function (v) { tr.appendChild(el("td", v)); });
        tr.addEventListener("click", function () {
          var old = detail.querySelector(".rejection-detail"); if (old) old.remove();
          var box = el("div", null, "rejection-detail");
          box.appendChild(el("h3", "Raw body (first 4 KiB)")); box.appendChild(el("pre", r.rawBody));
          box.appendChild(el("h3", "Headers"));
          var hd = el("dl"); Object.keys(r.headers).sort().forEach(function (k) { kv(hd, k, r.headers[k]); }); box.appendChild(hd);
          detail.appendChild(box);
        });
        body.appendChild(tr);
      });
      table.appendChild(body); detail.appendChild(table);
    });
  }
  document.getElementById("show-rejections").addEventListener("click", showRejections);
  form.addEventListener("input", function () { cursor = null; load(true); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  more.addEventListener("click", function () { load(false); });
  load(true).then(follow);
})();
</script>
</body>
</html>
`;

/** A CSP source for the one inline element of this tag, by the SHA-256 of its text, so nothing else may run. */
function inlineHash(tag: "script" | "style"): string {
  const text = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(INSPECTOR_HTML)?.[1];
  if (text === undefined) throw new Error(`inspector page has no <${tag}>`);
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

/**
 * Headers of the page (issue 15 item 7). The CSP allows only the page's own inline script and style (by hash: an
 * injected element or event attribute would not run), requests to this origin only (the API and its event
 * stream), and no framing, so another site cannot overlay the page. The token may sit in the page's URL, so no
 * Referer is sent.
 */
export const INSPECTOR_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    `script-src ${inlineHash("script")}`,
    `style-src ${inlineHash("style")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};
