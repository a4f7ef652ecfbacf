// What an allowed action does to the data. accord has already said yes when this runs: the
// functions here only change record objects (the worker writes them to D1 afterwards).

/** How many new records an action creates (their ids are reserved before `apply`). */
export function creates(action, type, rec) {
  if (rec) return 0;
  if (action === "add" || action === "create") return 1;
  if (action === "import") return 5;
  return 0;
}

const PREFIX = { lead: "L", deal: "D", opportunity: "OP", case: "CS", notification: "N", access_request: "AR-" };

/**
 * Applies `action` by `user` to `rec` (null for a type-level action) and returns
 * `{ changed, removed, created, note }`. `ids` are the numbers reserved for new records,
 * `transitions` the policy's workflow of the type, `isUser(id)` whether an id is a user of
 * the account. A malformed request (a reassignment without `to`) throws an HTTP error.
 */
export function apply({ user, action, type, rec, body, ids, transitions, isUser, httpError }) {
  const out = { changed: [], removed: [], created: [], note: "" };
  const touch = (r) => out.changed.push(r);
  const newId = () => `${PREFIX[type] ?? "X"}${ids.shift()}`;
  if (!rec) {
    if (action === "add" || action === "create") {
      const r = { type, id: newId(), name: body.name || `New ${type.replace(/_/g, " ")}`, ownerId: user, creatorId: user };
      if (type === "lead") Object.assign(r, { company: "Acme Sports", status: "new", amount: 5000 });
      if (type === "deal" || type === "opportunity") Object.assign(r, { stage: type === "deal" ? "incoming" : "prospecting", amount: 10000 });
      if (type === "notification") Object.assign(r, { createdByAdmin: false, connect: false, enabled: true });
      if (type === "access_request") Object.assign(r, { title: body.name || "Onboarding: new hire — Salesforce", state: "action_needed", assigneeId: null, holdReason: null, requesterId: user });
      out.created.push(r);
      out.note = `Created ${type.replace(/_/g, " ")} ${r.id}.`;
    } else if (action === "import") {
      for (let i = 0; i < 5; i++) {
        out.created.push({ type, id: newId(), name: `Imported ${type} ${i + 1}`, company: "Imported Co", ownerId: user, creatorId: user, status: "new", amount: 1000 * (i + 1) });
      }
      out.note = `Imported 5 ${type}s.`;
    } else {
      out.note = `Done: ${action.replace(/_/g, " ")} (the demo changes nothing here).`;
    }
    return out;
  }
  switch (action) {
    case "reassign": {
      if (!body.to) throw httpError(400, "missing_field", "a reassignment needs `to`, the new owner");
      if (!isUser(body.to)) throw httpError(400, "unknown_user", `the new owner \`${body.to}\` is not a user of this account`);
      rec.ownerId = body.to;
      touch(rec);
      out.note = `${rec.id} now belongs to ${body.to}.`;
      break;
    }
    case "update":
    case "edit": {
      const patch = body.patch ?? {};
      for (const k of ["name", "status", "stage", "amount"]) if (k in patch) rec[k] = patch[k];
      touch(rec);
      out.note = `Updated ${rec.id}.`;
      break;
    }
    case "delete":
      out.removed.push(rec.id);
      out.note = `Deleted ${rec.id}.`;
      break;
    case "convert":
      rec.status = "converted";
      touch(rec);
      out.note = `Converted ${rec.id} to a contact.`;
      break;
    case "communicate":
      out.note = `E-mail to ${rec.name} logged on ${rec.id}.`;
      break;
    case "disable":
      rec.enabled = false;
      touch(rec);
      out.note = `Disabled ${rec.id}.`;
      break;
    case "add_member":
      rec.members = (rec.members ?? 0) + 1;
      touch(rec);
      out.note = `Added a colleague to ${rec.name}.`;
      break;
    case "approve_invite":
      rec.pendingInvite = false;
      touch(rec);
      out.note = `Approved the invitation for ${rec.name}.`;
      break;
    case "disconnect":
    case "archive":
      rec.status = action === "archive" ? "archived" : "disconnected";
      touch(rec);
      out.note = `${rec.name}: ${rec.status}.`;
      break;
    case "disable_dms":
      rec.dms = false;
      touch(rec);
      out.note = `Direct messages with ${rec.name} disabled.`;
      break;
    default:
      if (transitions[action]) {
        rec.state = transitions[action].to;
        if (action === "pick_up") rec.assigneeId = user;
        if (rec.state === "on_hold") rec.holdReason = body.reason || "Waiting on SFDC License";
        else rec.holdReason = null;
        touch(rec);
        out.note = `${rec.id} → ${rec.state.replace(/_/g, " ")}.`;
      } else {
        out.note = `Done: ${action}.`;
      }
  }
  return out;
}
