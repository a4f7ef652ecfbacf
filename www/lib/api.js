// Calls to the edge worker, each one written to the "Edge worker" log card.
import { h } from "./ui.js";

const entries = [];
let logEl = null;

export function mountLog(el) {
  logEl = el;
  drawLog();
}

function drawLog() {
  if (!logEl) return;
  logEl.replaceChildren(
    h("h3", {}, "Edge worker log"),
    h("p.muted", {}, "Every change goes to the edge worker, which asks the same snapshot before writing it to D1."),
    entries.length
      ? h(
          "ol.log",
          { "data-testid": "log" },
          entries.map((e) =>
            h(
              `li.${e.status < 300 ? "ok" : e.status === 403 ? "refused" : "err"}`,
              {},
              h("span.log-status", {}, String(e.status)),
              h("code", {}, `${e.method} ${e.path}`),
              h("span.log-summary", {}, e.summary),
            ),
          ),
        )
      : h("p.muted.small", {}, "Nothing yet: try a button."),
  );
}

export function log(method, path, status, summary) {
  entries.unshift({ method, path, status, summary });
  entries.length = Math.min(entries.length, 8);
  drawLog();
}

/**
 * fetch() against /api with the acting user's header. Returns { status, ok, body } where body
 * is parsed JSON (or text for CSV). `summary(status, body)` names the entry in the log.
 */
export async function call(method, path, { user, body, summary, quiet } = {}) {
  const headers = {};
  if (user) headers["x-demo-user"] = user;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const type = res.headers.get("content-type") ?? "";
  const parsed = type.includes("json") ? await res.json() : await res.text();
  if (!quiet) {
    const s = summary ? summary(res.status, parsed, res) : parsed?.code ?? (res.ok ? "ok" : "error");
    log(method, path.replace(/[?&]product=[^&]*/, "").replace(/^([^?]*)&/, "$1?"), res.status, s);
  }
  return { status: res.status, ok: res.ok, body: parsed, headers: res.headers };
}
