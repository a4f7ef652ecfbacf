// Typed policies: `definePolicy` makes a misspelt action or an undeclared record type a compile
// error, while an untyped policy keeps today's `string` signatures. Checked with `tsc --strict`;
// each `@ts-expect-error` line fails the check if the error it expects goes away.
import { Engine, definePolicy, presets, type ActionOf, type Decision, type Policy, type TypeName } from "accord";

const policy = definePolicy({
  $schema: "../../schema/policy.schema.json",
  plans: ["team", "professional"],
  types: {
    lead: { actions: ["view", "update", "delete"], typeActions: ["add", "import"] },
    note: { parents: ["lead"], actions: ["view", "add"], follows: { add: "update" } },
    account: { typeActions: ["manage_users"] },
  },
  roles: {
    admin: { rules: [{ actions: "*", types: "*" }] },
    limited: { rules: [{ actions: ["view", "update"], types: ["lead"], scope: "own" }] },
  },
});

interface Lead {
  type: "lead";
  id: string;
  ownerId: string;
  amount: number;
}

function typed(): void {
  const engine = new Engine(policy);
  const acme = engine.tenant({ plan: "team", users: [{ id: "u1", role: "admin" }] });
  const lead: Lead = { type: "lead", id: "L1", ownerId: "u1", amount: 5 };

  // What a typed tenant accepts.
  const yes: boolean = acme.can("u1", "view", lead);
  const why: Decision = acme.check("u1", "delete", { type: "lead", id: "L2" });
  const add: boolean = acme.can("u1", "add", { type: "lead" });
  const manage: boolean = acme.can("u1", "manage_users", { type: "account" });
  const child: boolean = acme.can("u1", "add", { type: "note", parent: { type: "lead", id: "L1" } });
  const mine: Lead[] = acme.filter("u1", "update", [lead]);
  const ids = acme.bulk("u1", "delete", [lead]).allowed;
  const firstId: string | undefined = ids[0];
  // `permitted` names the type's own actions.
  const buttons: ("view" | "update" | "delete" | "add" | "import")[] = acme.permitted("u1", lead);
  const noteButtons: ("view" | "add")[] = acme.permitted("u1", { type: "note" });
  console.log(yes, why, add, manage, child, mine, firstId, buttons, noteButtons);

  // The names, as types.
  const t: TypeName<typeof policy> = "account";
  const a: ActionOf<typeof policy, "account"> = "manage_users";
  const any: ActionOf<typeof policy> = "import";
  console.log(t, a, any);

  // Plans and SQL take the same names.
  const planned = acme.plan("u1", "update", "lead");
  const sql = acme.user("u1").sql("view", "note", { dialect: "postgres", columns: { id: "id" } });
  console.log(planned.kind, sql.where);
  // @ts-expect-error plan checks the action against the type
  acme.plan("u1", "veiw", "lead");
  // @ts-expect-error sql checks the type
  acme.sql("u1", "view", "leads", { dialect: "sqlite", columns: {} });
  // @ts-expect-error the handle's plan too
  acme.user("u1").plan("manage_users", "lead");
  // @ts-expect-error "veiw" is not an action of any type
  acme.can("u1", "veiw", lead);
  // @ts-expect-error "veiw" is not an action of any type (check)
  acme.check("u1", "veiw", lead);
  // @ts-expect-error "manage_users" is declared on `account`, not on `lead`
  acme.can("u1", "manage_users", lead);
  // @ts-expect-error "update" is not declared on `note`
  acme.can("u1", "update", { type: "note" });
  // @ts-expect-error `opportunity` is not a declared type
  acme.can("u1", "view", { type: "opportunity", id: "O1" });
  // @ts-expect-error a child's parent must be a declared type too
  acme.can("u1", "view", { type: "note", parent: { type: "ticket", id: "T1" } });
  // @ts-expect-error filter checks the action against the records' type
  acme.filter("u1", "veiw", [lead]);
  // @ts-expect-error bulk checks the action too
  acme.bulk("u1", "reasign", [lead], { to: "u1" });
  // @ts-expect-error permitted lists only declared record types
  acme.permitted("u1", { type: "leads" });
  // @ts-expect-error a record whose type is any string is not known to be declared
  acme.can("u1", "view", { type: "lead" as string });
  // @ts-expect-error names the policy does not declare are not its types
  const badType: TypeName<typeof policy> = "deal";
  // @ts-expect-error nor its actions
  const badAction: ActionOf<typeof policy, "note"> = "delete";
  console.log(badType, badAction);
}

function untyped(anyPolicy: Policy, text: string): void {
  // Without definePolicy, nothing changes: any string is an action or a type.
  const engine = new Engine(anyPolicy);
  const acme = engine.tenant({ plan: "team", users: [] });
  const yes: boolean = acme.can("u1", "veiw", { type: "anything" });
  const buttons: string[] = acme.permitted("u1", { type: "lead" });
  const fromText = new Engine(text).tenant("{}");
  const alsoYes: boolean = fromText.can("u1", "whatever", { type: "whatever" });
  // A policy written inline without definePolicy: untyped, and still checked as a `Policy`.
  const inline = new Engine({ plans: ["a"], types: { lead: { actions: ["view"] } } }).tenant({ plan: "a", users: [] });
  const inlineYes: boolean = inline.can("u1", "veiw", { type: "lead" });
  // A preset: untyped (it is editable data).
  const preset = new Engine(presets.crm()).tenant({ plan: "standard", users: [] });
  const presetYes: boolean = preset.can("u1", "configure_anything", { type: "app" });
  // @ts-expect-error an inline policy is still checked against `Policy` (excess keys)
  new Engine({ plans: ["a"], types: {}, rolez: {} });
  // @ts-expect-error definePolicy checks the document's shape too
  definePolicy({ plans: ["a"], types: { lead: { actions: [42] } } });
  console.log(yes, buttons, alsoYes, inlineYes, presetYes);
}

typed();
untyped(presets["zendesk-sell"](), "{}");
