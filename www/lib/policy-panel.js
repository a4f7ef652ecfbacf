// The policy panel. Closed, it costs the page nothing: the page runs `accord/runtime`, which
// loads snapshots and cannot compile. Opening it imports the full module (`pkg/accord.js`, the
// compiler) once and shows the active policy as editable JSON. Every edit is compiled by accord
// in the page (`new Engine(text)`, then `engine.tenant(directory)`); errors are listed with
// their JSON path, highlighted in the text, and the previous policy stays in force. A policy
// that compiles is put in force in the page at once and sent to the worker, which compiles it,
// stores the new snapshot and answers with its version: the page then loads that snapshot, so
// both sides answer from the same bytes.
import { h, fill, codeBadge, useDescription } from "./ui.js";
import { pointerMap, locate, lineColumn, pretty } from "./jsonpos.js";
import { call } from "./api.js";

let P = null; // the open editor: { S, ta, backdrop, errorsEl, statusEl, ranges, timer, pushTimer, good }
let opened = false; // once opened, the editor stays open across products
let full = null; // the full module, once imported: { Engine, AccordError, ms }

/** Imports the full entry (compiler included) and loads its wasm module: once. */
async function compiler() {
  if (!full) {
    const t0 = performance.now();
    const m = await import("../pkg/accord.js");
    await m.default();
    full = { Engine: m.Engine, AccordError: m.AccordError, ms: performance.now() - t0 };
  }
  return full;
}

/** The panel for the current product: closed (a button), or the editor when it was opened. */
export async function mountPolicy(root, S) {
  P = null;
  if (opened) return openEditor(root, S);
  const open = h("button.primary", { "data-testid": "policy-open" }, "Open the policy editor");
  open.addEventListener("click", async () => {
    open.disabled = true;
    open.textContent = "Loading the compiler…";
    await openEditor(root, S);
  });
  fill(
    root,
    h("div.policy-head", {}, h("h3", {}, "Policy ", h("span.muted", {}, `version ${S.policyVersion} · in force in the worker, compiled into snapshot v${S.snapshot.version}`))),
    h(
      "p.muted.small",
      {},
      "This page runs ",
      h("code", {}, "accord/runtime"),
      ": it loads the snapshot the worker compiled (",
      h("code", {}, "Tenant.load(bytes)"),
      ") and has no policy compiler. Opening the editor imports the full module to compile your edits as you type.",
    ),
    open,
  );
}

async function openEditor(root, S) {
  const [{ ms }, res] = await Promise.all([compiler(), call("GET", `/policy?product=${S.product}`, { quiet: true })]);
  if (!res.ok) {
    fill(root, h("p.err", {}, `Could not read the policy: ${res.body.message}`));
    return;
  }
  opened = true;
  S.full = true;
  S.status?.();
  const policy = res.body.policy;
  const ta = h("textarea", { spellcheck: false, wrap: "off", "aria-label": "Policy JSON", "data-testid": "policy-text" });
  const backdrop = h("pre.backdrop", { "aria-hidden": "true" });
  const statusEl = h("div.policy-status", { "data-testid": "policy-status" });
  const errorsEl = h("ol.policy-errors", { "data-testid": "policy-errors" });
  const reset = h("button.ghost", { "data-testid": "policy-reset", onclick: resetPolicy }, "Reset to preset");
  fill(
    root,
    h("div.policy-head", {}, h("h3", {}, "Policy ", h("span.muted", {}, `${policy.name ?? S.product} · rules tagged with seed IDs`)), reset),
    h(
      "p.muted.small",
      {},
      `The compiler (the full module) loaded in ${ms.toFixed(0)} ms. Edit the policy: every keystroke recompiles with `,
      h("code", {}, "new Engine(policy)"),
      " in this page. Errors are listed with their JSON path and highlighted; the previous policy stays in force until the new one compiles, then the worker compiles it too and the page loads the worker's new snapshot.",
    ),
    h("div.policy-body", {}, h("div.editor", {}, backdrop, ta), h("div.policy-side", {}, statusEl, errorsEl)),
  );
  P = { S, ta, backdrop, errorsEl, statusEl, ranges: [], timer: 0, pushTimer: 0, good: null };
  ta.value = pretty(policy);
  P.good = ta.value;
  ta.addEventListener("input", () => {
    clearTimeout(P.timer);
    P.timer = setTimeout(compile, 250);
    paint();
  });
  ta.addEventListener("scroll", () => {
    backdrop.scrollTop = ta.scrollTop;
    backdrop.scrollLeft = ta.scrollLeft;
  });
  ok(`version ${S.policyVersion}, in force in the page and in the worker`);
  paint();
}

/** Called on every re-render: nothing to do unless the panel belongs to another product. */
export function refreshPolicy(S) {
  if (P && P.S !== S) P.S = S;
}

function ok(text) {
  P.statusEl.className = "policy-status ok";
  P.statusEl.replaceChildren("✓ ", text);
}

function compile() {
  const { S, ta } = P;
  const text = ta.value;
  if (text === P.good) {
    P.ranges = [];
    P.errorsEl.replaceChildren();
    ok(`version ${S.policyVersion}, in force in the page and in the worker`);
    return paint();
  }
  const t0 = performance.now();
  const { Engine, AccordError } = full;
  let engine;
  let tenant;
  try {
    engine = new Engine(text);
  } catch (e) {
    if (!(e instanceof AccordError)) throw e;
    return fail(e, "policy", text);
  }
  try {
    tenant = engine.tenant(S.directory);
  } catch (e) {
    if (!(e instanceof AccordError)) throw e;
    return fail(e, "directory", text);
  }
  const ms = performance.now() - t0;
  // In force in the page now (compiled here), until the worker's snapshot of it arrives.
  S.description = engine.describe();
  useDescription(S.description);
  S.tenant = tenant;
  S.tenantFrom = "compiled in the page";
  P.good = text;
  P.ranges = [];
  P.lastErrors = "";
  P.errorsEl.replaceChildren();
  P.statusEl.className = "policy-status ok";
  P.statusEl.replaceChildren(`✓ compiled in ${ms.toFixed(1)} ms, in force in this page; sending it to the worker…`);
  paint();
  S.rerender();
  clearTimeout(P.pushTimer);
  P.pushTimer = setTimeout(() => push(text), 300);
}

async function push(text) {
  const { S } = P;
  const res = await call("PUT", `/policy?product=${S.product}`, {
    body: text,
    summary: (s, b) => (s === 200 ? `policy v${b.policyVersion} in force` : `${b.code} at ${b.path}`),
  });
  if (P.ta.value !== text) return; // edited again meanwhile
  if (res.ok) {
    await useWorkerSnapshot(S, res.body);
    if (P.ta.value !== text) return;
    ok(`version ${S.policyVersion}, in force in the page and in the worker (snapshot v${S.snapshot.version})`);
    S.rerender(); // the worker's answers (e.g. "worker agrees") now come from this version
  } else {
    P.statusEl.className = "policy-status bad";
    P.statusEl.replaceChildren(`✗ the worker refused it: ${res.body.message}`);
  }
}

function fail(e, where, text) {
  const { S } = P;
  const list = Array.isArray(e.errors) && e.errors.length ? e.errors : [{ code: e.code, message: e.message, path: e.path }];
  const map = where === "policy" ? pointerMap(text) : null;
  P.ranges = [];
  const items = list.map((err, i) => {
    let range = null;
    if (where === "policy") {
      range = map ? locate(map, err.path) : lineColumn(text, err.message) ?? syntaxRange(text);
      if (range) P.ranges.push({ ...range, i });
    }
    const pathBtn = h(
      "button.path",
      {
        "data-testid": "error-path",
        title: range ? "Show it in the policy" : "",
        onclick: () => range && select(range),
      },
      err.path || "(the whole document)",
    );
    return h(
      "li",
      { dataset: { path: err.path, code: err.code } },
      codeBadge(err.code),
      " ",
      where === "directory" ? h("span.muted", {}, "in the directory: ") : null,
      pathBtn,
      h("div.err-message", {}, err.message),
    );
  });
  P.errorsEl.replaceChildren(...items);
  // Bring the first error into view when the list of errors changed.
  const sig = list.map((x) => `${x.code}@${x.path}`).join(" ");
  if (sig !== P.lastErrors && P.ranges.length) reveal(P.ranges[0]);
  P.lastErrors = sig;
  P.statusEl.className = "policy-status bad";
  P.statusEl.replaceChildren(
    `✗ ${list.length} error${list.length > 1 ? "s" : ""}: not applied. `,
    h("b", {}, `Version ${S.policyVersion} stays in force`),
    " in the page and in the worker.",
  );
  paint();
}

/** Where JSON.parse says a syntax error is, when accord's message has no line/column. */
function syntaxRange(text) {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const lc = lineColumn(text, e.message);
    if (lc) return lc;
    const m = /position (\d+)/.exec(e.message);
    if (!m) return null;
    const at = Number(m[1]);
    return { start: Math.max(0, at - 1), end: Math.min(text.length, at + 1) };
  }
}

function select(range) {
  const { ta } = P;
  ta.focus();
  ta.setSelectionRange(range.start, range.end);
  reveal(range);
}

/** Scrolls the editor so that the range is in view (a third from the top, and its start). */
function reveal({ start }) {
  const { ta, backdrop } = P;
  const before = ta.value.slice(0, start);
  const line = before.split("\n").length - 1;
  const col = start - (before.lastIndexOf("\n") + 1);
  const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
  ta.scrollTop = Math.max(0, line * lh - ta.clientHeight / 3);
  const cw = 7.5; // about one monospace character at 12.5px
  ta.scrollLeft = col * cw > ta.clientWidth - 80 ? col * cw - 80 : 0;
  backdrop.scrollTop = ta.scrollTop;
  backdrop.scrollLeft = ta.scrollLeft;
}

/** Draws the highlight layer under the textarea: the text with a <mark> per error range. */
function paint() {
  const { ta, backdrop } = P;
  const text = ta.value;
  const ranges = [...P.ranges].sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start < at) continue;
    parts.push(text.slice(at, r.start));
    parts.push(h("mark", { dataset: { testid: "error-mark", i: String(r.i) } }, text.slice(r.start, r.end)));
    at = r.end;
  }
  parts.push(text.slice(at), "\n\n");
  backdrop.replaceChildren(...parts);
  backdrop.scrollTop = ta.scrollTop;
  backdrop.scrollLeft = ta.scrollLeft;
}

async function resetPolicy() {
  const { S } = P;
  const res = await call("POST", `/policy/reset?product=${S.product}`, { summary: (s, b) => `preset restored (v${b.policyVersion})` });
  if (!res.ok) return;
  await useWorkerSnapshot(S, res.body);
  P.ta.value = pretty(res.body.policy);
  P.good = P.ta.value;
  P.ranges = [];
  P.errorsEl.replaceChildren();
  ok(`version ${S.policyVersion} (the preset), in force in the page and in the worker (snapshot v${S.snapshot.version})`);
  paint();
  S.rerender();
}

/**
 * The worker compiled a policy and stored its snapshot: the page loads those bytes, so its
 * answers come from exactly what the worker answers from (not from its own compile).
 */
async function useWorkerSnapshot(S, { policyVersion, snapshot }) {
  S.policyVersion = policyVersion;
  // false: replaced again meanwhile (another tab's change); the next reload shows it.
  await S.loadSnapshot(S.product, snapshot);
  S.status();
}
