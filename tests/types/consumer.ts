// A typed consumer of accord's public API, checked with `tsc --noEmit`: it must compile, and
// the `@ts-expect-error` lines prove that misuse is rejected.
import init, { AccordError, Engine, presets, type Decision, type Directory, type Policy, type SqlResult, type TotalResult } from "accord";

interface Lead {
  type: "lead";
  id: string;
  ownerId: string;
  amount: number;
}

async function main(): Promise<void> {
  await init();
  const policy: Policy = presets["zendesk-sell"]();
  policy.roles = { ...policy.roles, auditor: { rules: [{ actions: ["view"], types: ["lead"], scope: "all", seed: "ZS-4" }] } };
  const engine = new Engine(policy);
  const directory: Directory = { plan: "professional", users: [{ id: "u1", role: "admin" }, { id: "u2", role: "limited", managerId: "u1" }] };
  const acme = engine.tenant(directory);
  const leads: Lead[] = [{ type: "lead", id: "L1", ownerId: "u2", amount: 10 }];

  const yes: boolean = acme.can("u1", "view", leads[0]);
  const why: Decision = acme.check("u2", "delete", { type: "lead", id: "L9", ownerId: "u1" });
  const hint: string | undefined = why.upgradeTo;
  const rule: string | null = why.rule;
  const visible: Lead[] = acme.filter("u2", "view", leads);
  const sum: TotalResult = acme.total("u2", leads, "amount", { groupBy: "ownerId" });
  const bulk = acme.bulk("u2", "reassign", leads, { to: "u1" });
  const firstAllowed: string | undefined = bulk.allowed[0];
  const buttons: string[] = acme.permitted("u2", { type: "lead" });
  console.log(yes, hint, rule, visible.length, sum.groups?.["u2"]?.total, firstAllowed, bulk.denied[0]?.code, buttons);
  const q: SqlResult = acme.sql("u2", "view", "lead", { dialect: "postgres", paramOffset: 1, columns: { ownerId: "owner_id", id: { sql: "id", type: "text" } } });
  const mine: SqlResult = acme.user("u2").sql("view", "lead", { dialect: "sqlite", columns: { ownerId: "owner_id" } });
  console.log(q.where, q.params.length, mine.params);

  try {
    engine.tenant({ plan: "team", users: [] });
  } catch (e) {
    if (e instanceof AccordError) {
      const code: string = e.code;
      const path: string = e.path;
      console.log(code, path, e.errors.length, e.message);
    }
  }

  // @ts-expect-error the action must be a string
  acme.can("u1", 42, leads[0]);
  // @ts-expect-error a record needs a type
  acme.can("u1", "view", { id: "L1" });
  // @ts-expect-error presets are named
  presets["salesforce"]();
  // @ts-expect-error the dialect is postgres or sqlite
  acme.sql("u2", "view", "lead", { dialect: "mysql", columns: {} });
  // @ts-expect-error a decision's code is one of the documented reasons
  const bad: Decision = { allowed: true, code: "maybe", message: "", rule: null };
  console.log(bad);
}

void main();
