// A typed consumer of accord/runtime: snapshots saved by the full entry, loaded by the lean one.
import { Engine, presets } from "accord";
import initRuntime, { AccordError, Tenant, type Decision, type SqlOptions, type SqlResult, type WhatIf } from "accord/runtime";

export async function lean(): Promise<void> {
  await initRuntime();
  const bytes: Uint8Array = new Engine(presets.crm()).tenant({ plan: "standard", users: [] }).save();
  const t = Tenant.load(bytes);
  const d: Decision = t.check("u", "view", { type: "lead", id: "L1" });
  const ok: boolean = t.can("u", "view", { type: "lead", id: "L1" }) && d.allowed;
  Tenant.load(new ArrayBuffer(8));
  // A view's buffer is an ArrayBufferLike (TypeScript 5.7+): loadable as it is.
  Tenant.load(bytes.buffer);
  const options: SqlOptions = { dialect: "sqlite", columns: { ownerId: "owner_id" } };
  const where: SqlResult = t.sql("u", "view", "lead", options);
  const preview: WhatIf = { plan: "standard" };
  console.log(where.where, t.permitted("u", { type: "lead" }, preview));
  // @ts-expect-error: a snapshot is bytes, not text
  Tenant.load("snapshot");
  if (!ok) throw new Error("no");
  const isOurs = (e: unknown): boolean => e instanceof AccordError;
  isOurs(null);
}
