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
  html, body { height:100%; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--text); background:var(--bg); display:flex; flex-direction:column; }
  header { display:flex; flex-wrap:wrap; align-items:center; gap:8px 16px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); }
  header h1 { font-size:16px; margin:0; }
  #live { font-size:12px; color:var(--muted); }
  #live.on::before { content:"●"; color:var(--ok); margin-right:4px; }
  form#filters { display:flex; flex-wrap:wrap; gap:8px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); }
  form#filters label { display:flex; flex-direction:column; font-size:11px; color:var(--muted); }
  form#filters input, form#filters select { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:4px; width:140px; }
  main { flex:1; min-height:0; display:grid; grid-template-columns:minmax(0, 1fr) minmax(0, 1fr); }
  @media (max-width: 1000px) { main { grid-template-columns:minmax(0, 1fr); grid-template-rows:minmax(0, 2fr) minmax(0, 3fr); } #list { border-right:0; border-bottom:1px solid var(--line); } }
  #list { overflow:auto; border-right:1px solid var(--line); background:var(--panel); }
  table { border-collapse:collapse; width:100%; }
  th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
  td.nowrap { white-space:nowrap; }
  td.wrap { overflow-wrap:anywhere; }
  th { position:sticky; top:0; background:#fafafb; font-size:12px; color:var(--muted); font-weight:600; }
  tbody tr { cursor:pointer; }
  tbody tr:hover { background:#f0f4ff; }
  tbody tr.selected { background:#e3ebff; }
  tbody tr.fresh { animation: fresh 2s ease-out; }
  @keyframes fresh { from { background:#fff6c2; } to { background:transparent; } }
  .badge { display:inline-block; padding:1px 6px; border-radius:10px; font-size:11px; font-weight:600; white-space:nowrap; }
  .b-ok { background:#e6f4ea; color:var(--ok); } .b-warn { background:#fef3e0; color:var(--warn); } .b-bad { background:#fce8e6; color:var(--bad); }
  #detail { overflow:auto; padding:14px 18px; }
  #detail h2 { font-size:15px; margin:0 0 8px; overflow-wrap:anywhere; }
  #detail h3 { font-size:13px; margin:18px 0 6px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
  .actions { display:flex; flex-wrap:wrap; align-items:center; gap:6px 8px; margin:10px 0; }
  .actions button, header button { font:inherit; padding:4px 10px; border:1px solid var(--line); border-radius:4px; background:#fff; cursor:pointer; }
  .actions button:disabled { cursor:not-allowed; color:var(--muted); }
  #action-status { font-size:12px; }
  dl { display:grid; grid-template-columns:minmax(90px, 160px) minmax(0, 1fr); gap:4px 12px; margin:0; }
  dt { color:var(--muted); overflow-wrap:anywhere; } dd { margin:0; word-break:break-all; }
  pre { white-space:pre-wrap; word-break:break-all; background:#1e1f24; color:#e8e8ec; padding:10px 12px; border-radius:6px; overflow:auto; font:12px/1.5 ui-monospace, Menlo, Consolas, monospace; max-height:340px; }
  ol#timeline { list-style:none; padding:0; margin:0; border-left:2px solid var(--line); }
  ol#timeline li { padding:4px 10px; position:relative; cursor:pointer; overflow-wrap:anywhere; }
  ol#timeline li::before { content:""; position:absolute; left:-6px; top:10px; width:10px; height:10px; border-radius:50%; background:var(--accent); }
  ol#timeline li.current { font-weight:600; }
  .anomaly { color:var(--bad); }
  .muted { color:var(--muted); }
  button.more { margin:10px; font:inherit; }
  #show-rejections { margin-left:auto; }
</style>
</head>
<body>
<header><h1>livehook receiver</h1><span id="live">connecting…</span><span id="count" class="muted"></span><button id="show-rejections" type="button">Rejected attempts</button></header>
<form id="filters">
  <label>Vendor<select name="vendor"><option value="">all</option><option>huawei-live</option><option>huawei-rtc</option><option>aliyun-live</option></select></label>
  <label>Event type contains<input name="eventType" placeholder="e.g. FILE"></label>
  <label>Domain contains<input name="domain"></label>
  <label>App contains<input name="app"></label>
  <label>Stream contains<input name="stream"></label>
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
  var FILTERS = ["vendor", "eventType", "domain", "app", "stream", "verdict"];
  // Text filters match anywhere in the value: the API's substring parameters.
  var CONTAINS = { eventType: "eventTypeContains", domain: "domainContains", app: "appContains", stream: "streamContains" };
  var token = new URLSearchParams(location.search).get("token");
  var form = document.getElementById("filters");
  var tbody = document.getElementById("events");
  var more = document.getElementById("more");
  var detail = document.getElementById("detail");
  var live = document.getElementById("live");
  var cursor = null, selected = null, source = null, targets = {}, typing = null, generation = 0;

  function url(path, params) {
    var q = new URLSearchParams(params || {});
    if (token) q.set("token", token);
    var s = q.toString();
    return path + (s ? "?" + s : "");
  }
  function filters() {
    var out = {};
    new FormData(form).forEach(function (v, k) { if (v) out[k] = String(v); });
    return out;
  }
  function apiFilters() {
    var f = filters(), out = {};
    Object.keys(f).forEach(function (k) { out[CONTAINS[k] || k] = f[k]; });
    return out;
  }
  // The page's URL holds the filters and the selected event, so a link opens the same view (the token stays).
  function pageUrl() {
    var q = new URLSearchParams(filters());
    if (selected !== null) q.set("event", String(selected));
    if (token) q.set("token", token);
    var s = q.toString();
    return location.pathname + (s ? "?" + s : "");
  }
  function remember() {
    var next = pageUrl();
    if (next !== location.pathname + location.search) history.pushState(null, "", next);
  }
  function restore() {
    var q = new URLSearchParams(location.search);
    FILTERS.forEach(function (k) { form.elements[k].value = q.get(k) || ""; });
    var id = q.get("event");
    selected = id && /^[0-9]+$/.test(id) ? Number(id) : null;
  }
  function has(value, part) { return value != null && String(value).toLowerCase().indexOf(part.toLowerCase()) >= 0; }
  function matches(e, f) {
    return (!f.vendor || e.vendor === f.vendor) && (!f.eventType || has(e.eventType, f.eventType)) &&
      (!f.domain || has(e.domain, f.domain)) && (!f.app || has(e.app, f.app)) && (!f.stream || has(e.stream, f.stream)) &&
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
    if (e.id === selected) tr.classList.add("selected");
    var where = [e.domain, e.app, e.stream].filter(Boolean).join(" / ");
    tr.appendChild(el("td", e.id, "nowrap"));
    tr.appendChild(el("td", e.receivedAt ? new Date(e.receivedAt).toLocaleTimeString() : "", "nowrap"));
    tr.appendChild(el("td", e.vendor, "nowrap"));
    var name = el("td", e.eventType || "?", "wrap"); name.setAttribute("data-testid", "event-name"); tr.appendChild(name);
    tr.appendChild(el("td", e.stream || where, "wrap"));
    tr.title = time(e.receivedAt) + " · " + where;
    var td = el("td"); td.appendChild(badges(e)); tr.appendChild(td);
    tr.addEventListener("click", function () { select(e.id); });
    return tr;
  }
  function load(reset) {
    var params = apiFilters(); params.limit = "100";
    if (!reset && cursor) params.cursor = cursor;
    var mine = ++generation;
    return fetch(url("/api/events", params)).then(function (r) { return r.json(); }).then(function (page) {
      // An older answer (filters changed since) must not overwrite a newer one.
      if (mine !== generation || !page.events) return;
      if (reset) tbody.textContent = "";
      page.events.forEach(function (e) { tbody.appendChild(row(e, false)); });
      cursor = page.nextCursor; more.hidden = !cursor;
      document.getElementById("count").textContent = tbody.rows.length + " shown";
    });
  }
  function kv(dl, k, v) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
  function select(id) {
    selected = id;
    remember();
    show(id);
  }
  function say(text, cls) {
    var status = document.getElementById("action-status");
    if (status) { status.textContent = text; status.className = cls || "muted"; }
  }
  function copy(text, what) {
    function fallback() {
      var area = el("textarea"); area.value = text; document.body.appendChild(area); area.select();
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      say(ok ? "Copied " + what : "Copy failed: select the text and copy it by hand", ok ? "muted" : "anomaly");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say("Copied " + what); }, fallback);
    } else { fallback(); }
  }
  function quote(s) { return "'" + String(s).replace(/'/g, "'\\\\''") + "'"; }
  // Headers of the transport, not of the vendor's signed request: curl sets its own.
  var TRANSPORT = ["host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "expect", "accept-encoding"];
  function curl(e) {
    var lines = ["curl -sS -X POST " + quote(location.origin + "/hooks/" + e.vendor)];
    Object.keys(e.headers).sort().forEach(function (k) {
      if (TRANSPORT.indexOf(k) < 0) lines.push("  -H " + quote(k + ": " + e.headers[k]));
    });
    if (e.rawBodyBase64) {
      lines.push("  --data-binary @-");
      return "printf %s " + quote(e.rawBodyBase64) + " | base64 -d | " + lines.join(" \\\\\\n");
    }
    lines.push("  --data-binary " + quote(e.rawBody));
    return lines.join(" \\\\\\n");
  }
  function resend(e, button) {
    button.disabled = true; say("Resending…");
    fetch(url("/api/events/" + e.id + "/resend"), { method: "POST" }).then(function (r) { return r.json(); }).then(function (a) {
      if (a.error) say("Not sent: " + (a.reason || a.message || a.error), "anomaly");
      else say("App answered " + a.status + " in " + a.ms + " ms", a.delivered ? "muted" : "anomaly");
    }, function () { say("Not sent: the receiver did not answer", "anomaly"); }).then(function () { button.disabled = false; });
  }
  function actions(e) {
    var box = el("div", null, "actions");
    var copyBody = el("button", "Copy body"); copyBody.type = "button";
    copyBody.addEventListener("click", function () { copy(e.rawBody, "body"); });
    var copyCurl = el("button", "Copy as curl"); copyCurl.type = "button";
    copyCurl.addEventListener("click", function () { copy(curl(e), "curl command"); });
    var again = el("button", "Resend to app"); again.type = "button"; again.setAttribute("data-testid", "resend");
    box.appendChild(copyBody); box.appendChild(copyCurl); box.appendChild(again);
    var status = el("span", "", "muted"); status.id = "action-status"; status.setAttribute("role", "status");
    var target = targets[e.vendor];
    if (target) {
      again.title = "POST this event to " + target + ", signed (Standard Webhooks)";
      again.addEventListener("click", function () { resend(e, again); });
    } else {
      again.disabled = true;
      again.title = "no forwarding target for " + e.vendor;
      status.textContent = "Resend needs a forwarding target for " + e.vendor + " (start the receiver with --forward-to)";
    }
    box.appendChild(status);
    return box;
  }
  function show(id) {
    Array.prototype.forEach.call(tbody.rows, function (tr) { tr.classList.toggle("selected", tr.dataset.id === String(id)); });
    if (id === null) {
      detail.textContent = "";
      detail.appendChild(el("p", "Select an event to see its raw body, headers, verdict and session timeline.", "muted"));
      return;
    }
    fetch(url("/api/events/" + id)).then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); }).then(function (answer) {
      if (selected !== id) return;
      detail.textContent = "";
      var e = answer.body;
      if (answer.status !== 200) { detail.appendChild(el("p", "Event #" + id + " is not stored here.", "anomaly")); return; }
      var h = el("h2", "Event #" + e.id + " · " + (e.eventType || "unknown type")); h.setAttribute("data-testid", "detail-title"); detail.appendChild(h);
      detail.appendChild(badges(e));
      detail.appendChild(actions(e));
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
        li.addEventListener("click", function () { select(s.id); });
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
    remember();
    Array.prototype.forEach.call(tbody.rows, function (tr) { tr.classList.remove("selected"); });
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
        [r.id, time(r.receivedAt), r.vendor, r.status, r.reason].forEach(function (v) { tr.appendChild(el("td", v, "wrap")); });
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
  // A filter change reloads the list at once and becomes a history entry once typing pauses.
  form.addEventListener("input", function () {
    cursor = null; load(true);
    clearTimeout(typing); typing = setTimeout(remember, 400);
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  more.addEventListener("click", function () { load(false); });
  window.addEventListener("popstate", function () { clearTimeout(typing); restore(); cursor = null; load(true); show(selected); });
  restore();
  fetch(url("/api/forwarding")).then(function (r) { return r.json(); }).then(function (f) { targets = f.targets || {}; }, function () {})
    .then(function () { return load(true); }).then(function () { show(selected); follow(); });
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
