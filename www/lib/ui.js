// DOM helpers, the "why?" popover, number formatting and the decision-to-control rendering
// shared by every view. A control is rendered from accord's `check()` answer:
//   allowed            → an enabled button
//   plan_required      → a greyed button with an "Upgrade to …" hint (the plan is what denies)
//   any other denial   → not rendered; listed behind a "why?" link instead
import { label } from "../shared/products.js";

/** h("button.primary", { onclick }, "text", child…) */
export function h(tag, props = {}, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "class") el.className += ` ${v}`;
    else if (k === "html") el.innerHTML = v;
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** el.replaceChildren() that skips null/false and flattens arrays, like h(). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

export const money = (n) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(n);
export const initials = (name) =>
  String(name)
    .split(/\s+/)
    .map((w) => w[0])
    .slice(0, 2)
    .join("")
    .toUpperCase();
export const int = (n) => new Intl.NumberFormat("en-US").format(n);

/** A plan name as people say it: "business_plus" → "Business+". */
// The policy as the package describes it (engine.describe()): plan and role labels, each
// type's actions and states. The demo never reads the policy document for these.
let described = { plans: [], roles: [], types: [], settings: [] };
export function useDescription(d) {
  described = d;
}
export const planLabel = (p) => described.plans.find((x) => x.name === p)?.label ?? label(p);
export const roleLabelOf = (r) => described.roles.find((x) => x.name === r)?.label ?? label(r);
/** `{ name, label, actions, typeActions, states? }` of a record type (empty lists if unknown). */
export const typeInfo = (t) => described.types.find((x) => x.name === t) ?? { name: t, label: label(t), actions: [], typeActions: [] };

// ---------------------------------------------------------------- the "why?" popover
let popover;
let anchor;

export function closePopover() {
  if (popover) popover.hidden = true;
  anchor = null;
}

/**
 * Opens the popover next to `el`, explaining each item: { title, decision } where decision is
 * what `check()` returned ({ allowed, code, message, rule, upgradeTo? }).
 */
export function showWhy(el, items, heading = "Why?") {
  popover ??= document.getElementById("popover");
  if (anchor === el && !popover.hidden) return closePopover();
  anchor = el;
  popover.replaceChildren(
    h("div.pop-head", {}, h("strong", {}, heading), h("button.pop-close", { onclick: closePopover, "aria-label": "Close" }, "×")),
    h(
      "ul.why-list",
      {},
      items.map(({ title, decision: d }) =>
        h(
          "li",
          { dataset: { code: d.code } },
          h("div.why-title", {}, h("span", {}, title), codeBadge(d.code)),
          h("div.why-message", { "data-testid": "why-message" }, d.message),
          // Every check the deciding rule fails, most fundamental first (Decision.reasons).
          d.reasons && d.reasons.length > 1
            ? h(
                "ol.why-reasons",
                { "data-testid": "why-reasons" },
                d.reasons.slice(1).map((x) => h("li", { dataset: { code: x.code } }, codeBadge(x.code), " ", x.message)),
              )
            : null,
          h(
            "div.why-rule",
            {},
            d.rule ? ["decided by rule ", h("code", {}, d.rule)] : "no rule of this role grants it",
            d.upgradeTo ? [" · ", h("span.upgrade", {}, `Upgrade to ${planLabel(d.upgradeTo)}`)] : null,
          ),
        ),
      ),
    ),
    h("div.pop-foot", {}, "From ", h("code", {}, "tenant.check(user, action, record)"), " in this page."),
  );
  popover.hidden = false;
  const r = el.getBoundingClientRect();
  const w = Math.min(380, window.innerWidth - 16);
  popover.style.width = `${w}px`;
  const left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + window.innerWidth - w - 8));
  popover.style.left = `${left}px`;
  popover.style.top = `${window.scrollY + r.bottom + 6}px`;
}

document.addEventListener("click", (e) => {
  if (!popover || popover.hidden) return;
  if (popover.contains(e.target) || (anchor && anchor.contains(e.target))) return;
  closePopover();
});
window.addEventListener("resize", () => closePopover());
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") closePopover();
});

export function codeBadge(code) {
  return h(`span.code.code-${code}`, {}, code);
}

/**
 * Renders controls for a list of [action, record, title] questions. Returns
 * { nodes, hidden } where hidden are the { title, decision, action, record } left out.
 * `onAct(action, record, decision)` runs when an enabled control is clicked.
 */
export function controls(tenant, user, questions, onAct, opts = {}) {
  const nodes = [];
  const hidden = [];
  for (const [action, record, title] of questions) {
    const d = tenant.check(user, action, record);
    const text = title ?? label(action);
    if (d.allowed) {
      nodes.push(
        h(
          `button.act${opts.small ? ".small" : ""}`,
          { dataset: { action, testid: `act-${action}` }, title: `${d.message} (rule ${d.rule})`, onclick: (e) => onAct(action, record, d, e.currentTarget) },
          text,
        ),
      );
    } else if (d.code === "plan_required") {
      const wrap = h(
        "span.gated",
        { dataset: { action, testid: `gated-${action}` }, title: d.message },
        h(`button.act${opts.small ? ".small" : ""}`, { disabled: true }, text),
        h("span.upgrade", {}, `Upgrade to ${planLabel(d.upgradeTo)}`),
      );
      wrap.addEventListener("click", () => showWhy(wrap, [{ title: text, decision: d }], `${text}: why greyed?`));
      nodes.push(wrap);
    } else {
      hidden.push({ title: text, decision: d, action, record });
    }
  }
  return { nodes, hidden };
}

/** The "N hidden · why?" link for controls left out. */
export function whyLink(hidden, what = "hidden") {
  if (!hidden.length) return null;
  const a = h(
    "button.why",
    { dataset: { testid: "why" }, title: hidden.map((x) => `${x.title}: ${x.decision.code}`).join("\n") },
    `${hidden.length} ${what} · why?`,
  );
  a.addEventListener("click", () => showWhy(a, hidden, "Hidden: why?"));
  return a;
}

let toastTimer;
export function toast(text, kind = "info") {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = `show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.className = ""), 3500);
}
