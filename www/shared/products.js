// What the demo shows for each product: labels, table columns, which record types get a tab,
// which field the "Total sales" report sums. Presentation only: whether a button, a row, a
// total or a transition is allowed is always asked to accord, never decided here.

export const PRODUCT_INFO = {
  "zendesk-sell": {
    label: "Zendesk Sell",
    view: "records",
    seeds: "ZS-1…ZS-12",
    tagline: "Full, Limited and custom roles; the user hierarchy counts on Professional and Enterprise.",
    tabs: [
      { type: "lead", label: "Leads", columns: ["name", "ownerId", "status", "amount"] },
      { type: "deal", label: "Deals", columns: ["name", "ownerId", "stage", "amount"] },
    ],
    rowActions: ["update", "reassign", "delete", "convert", "communicate"],
    typeActions: ["add", "import", "export"],
    admin: { type: "account", label: "Account admin" },
    report: { type: "deal", field: "amount", groupBy: "stage", label: "Total sales", seed: "ZS-11", order: ["incoming", "qualified", "quote", "closure", "won", "lost"] },
    bulk: { action: "reassign", ownerField: "ownerId" },
    defaultUser: "bruno.costa",
  },
  crm: {
    label: "CRM As A Service",
    view: "records",
    seeds: "CS-1…CS-6",
    tagline: "Owners see and configure everything; Members see only what they created.",
    tabs: [
      { type: "lead", label: "Leads", columns: ["name", "creatorId", "status", "amount"] },
      { type: "opportunity", label: "Opportunities", columns: ["name", "creatorId", "stage", "amount"] },
      { type: "case", label: "Cases", columns: ["name", "creatorId", "status"] },
    ],
    rowActions: ["update", "delete"],
    typeActions: [],
    admin: { type: "app", label: "App configuration" },
    report: { type: "opportunity", field: "amount", groupBy: "stage", label: "Total sales", seed: "CS-1 · CS-5", order: ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"] },
    bulk: null,
    defaultUser: "mia.novak",
  },
  slack: {
    label: "Slack Sales Elevate + Connect",
    view: "slack",
    seeds: "SE-1…SE-10, SC-1…SC-10",
    tagline: "Role ladder per plan, the Sales Admin system role, notifications and shared channels with other organisations.",
    defaultUser: "ana.ribeiro",
  },
  "sales-ops": {
    label: "Sales Ops access requests",
    view: "board",
    seeds: "SO-1…SO-8",
    tagline: "Access requests move through labelled states, worked by their assignee (or any Sales Ops member when the assignee is out of office).",
    defaultUser: "tom.becker",
  },
};

export const PLAN_LABELS = {
  team: "Team",
  growth: "Growth",
  professional: "Professional",
  enterprise: "Enterprise",
  standard: "Standard",
  free: "Free",
  pro: "Pro",
  business_plus: "Business+",
  enterprise_grid: "Enterprise Grid",
};

export const ACTION_LABELS = {
  view: "View",
  add: "Add",
  update: "Update",
  reassign: "Reassign",
  delete: "Delete",
  convert: "Convert",
  communicate: "Communicate",
  import: "Import",
  export: "Export",
  create: "Create",
  edit: "Edit",
  disable: "Disable",
  add_member: "Add member",
  approve_invite: "Approve invite",
  disconnect: "Disconnect",
  archive: "Archive",
  disable_dms: "Disable DMs",
  pick_up: "Pick up",
  hold: "Hold",
  resume: "Resume",
  complete: "Complete",
};

export const COLUMN_LABELS = {
  name: "Name",
  company: "Company",
  ownerId: "Owner",
  creatorId: "Created by",
  status: "Status",
  stage: "Stage",
  amount: "Amount",
};

/** "business_plus" → "Business+", "manage_custom_fields" → "Manage custom fields". */
export function label(name) {
  if (PLAN_LABELS[name]) return PLAN_LABELS[name];
  if (ACTION_LABELS[name]) return ACTION_LABELS[name];
  const s = String(name).replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
