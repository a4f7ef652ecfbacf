// The demo's dataset, generated deterministically (same seed, same data, every start): one
// company, Acme, with 62 people in a 4-level hierarchy (VP → regional directors → team leads →
// reps, plus a Sales Ops team), and per product the directory (roles as that product names
// them) and the records (≥ 5,000 leads/deals for the two CRMs). Only the worker calls this, to
// seed D1; the page receives the data from `/api/state`. No permission logic lives here: it
// only says who holds which role and who owns which record.

/** Small fast deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    weighted: (pairs) => {
      const sum = pairs.reduce((s, [, w]) => s + w, 0);
      let r = next() * sum;
      for (const [v, w] of pairs) {
        r -= w;
        if (r < 0) return v;
      }
      return pairs[pairs.length - 1][0];
    },
  };
}

const FIRST = [
  "Liam", "Emma", "Noah", "Olivia", "Lucas", "Mia", "Hugo", "Chloe", "Mateo", "Ines", "Leo", "Sofia",
  "Adam", "Nora", "Elias", "Lea", "Felix", "Ava", "Rafael", "Zoe", "Samuel", "Alice", "Kenji", "Maya",
  "Arjun", "Freya", "Tomas", "Clara", "Yusuf", "Amelie", "Ivan", "Hana", "Pedro", "Laura", "Niko", "Elena",
  "Oscar", "Grace", "Malik", "Ruth", "Viktor", "Aisha", "Paul", "Marta", "Jonas", "Sara",
];
const LAST = [
  "Silva", "Martin", "Schmidt", "Rossi", "Novak", "Kowalski", "Jensen", "Moreau", "Garcia", "Tanaka",
  "Okafor", "Lindqvist", "Murphy", "Kaur", "Nguyen", "Haddad", "Petrov", "Costa", "Weber", "Ibrahim",
  "Sato", "Larsen", "Fontaine", "Mendes", "Varga", "Horvat", "Dubois", "Yilmaz", "Park", "Andersen",
  "Bianchi", "Ferreira", "Kim", "Fischer", "Santos", "Ward", "Lopez", "Berg", "Meyer", "Ali",
];
const COMPANIES = [
  "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Foods", "Hooli", "Vandelay Imports",
  "Soylent Labs", "Tyrell Systems", "Wonka Retail", "Cyberdyne", "Pied Piper", "Aperture Science",
  "Massive Dynamic", "Oscorp", "Gringotts Finance", "Monarch Air", "Nakatomi Trading", "Dunder Paper",
  "Prestige Worldwide", "Blue Sun", "Oceanic Travel", "Virtucon", "Acme Sports", "Kelso Motors",
  "Sterling Cooper", "Bluth Homes", "Los Pollos", "Duff Brewing", "Krusty Foods", "Zorg Industries",
  "Octan Energy", "Yoyodyne", "Rekall", "Weyland Mining", "Ollivander Supply", "Spacely Sprockets",
];

export const REGIONS = [
  { id: "na", name: "North America" },
  { id: "emea", name: "EMEA" },
  { id: "latam", name: "LATAM" },
  { id: "apac", name: "APAC" },
];

const slug = (name) =>
  name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z]+/g, ".");

/**
 * The 62 people of Acme: level 1 VP, level 2 four regional directors and the Sales Ops
 * director, level 3 twelve team leads and four Sales Ops analysts, level 4 forty reps.
 * Each: { id, name, title, level, managerId, teams }.
 */
export function people() {
  const r = rng(42);
  const used = new Set();
  const out = [];
  const add = (name, title, level, managerId, team) => {
    const id = slug(name);
    used.add(name);
    out.push({ id, name, title, level, managerId, teams: team ? [team] : [] });
    return id;
  };
  const fresh = () => {
    for (;;) {
      const n = `${r.pick(FIRST)} ${r.pick(LAST)}`;
      if (!used.has(n)) return n;
    }
  };
  const vp = add("Ana Ribeiro", "VP Sales", 1, null, null);
  const directors = {
    na: "James Walker",
    emea: "Marc Dubois",
    latam: "Diego Alvarez",
    apac: "Sarah Chen",
  };
  for (const region of REGIONS) {
    const dir = add(directors[region.id], `Director, ${region.name}`, 2, vp, region.id);
    for (let t = 1; t <= 3; t++) {
      const team = `${region.id}-${t}`;
      const leadName = region.id === "emea" && t === 1 ? "Bruno Costa" : fresh();
      const lead = add(leadName, `Team lead, ${region.name} ${t}`, 3, dir, team);
      const reps = t === 1 ? 4 : 3;
      for (let i = 0; i < reps; i++) {
        const name = region.id === "emea" && t === 1 && i === 0 ? "Mia Novak" : fresh();
        add(name, `Account executive, ${region.name} ${t}`, 4, lead, team);
      }
    }
  }
  const ops = add("Priya Nair", "Director, Sales Operations", 2, vp, "ops");
  add("Tom Becker", "Sales Ops analyst", 3, ops, "ops");
  add("Lena Fischer", "Sales Ops analyst", 3, ops, "ops");
  add("Omar Haddad", "Sales Ops analyst", 3, ops, "ops");
  add("Julia Santos", "Sales Ops analyst", 3, ops, "ops");
  return out;
}

const SALES_OPS = ["priya.nair", "tom.becker", "lena.fischer", "omar.haddad", "julia.santos"];

/** Role assignment per product (who is what, as each product names it). */
function directoryUsers(product, staff) {
  const level = (p) => p.level;
  const isOps = (p) => SALES_OPS.includes(p.id);
  return staff.map((p, i) => {
    const base = { id: p.id, name: p.name, title: p.title, level: p.level, teams: p.teams };
    if (p.managerId) base.managerId = p.managerId;
    switch (product) {
      case "zendesk-sell": {
        let role = "limited";
        if (p.id === "ana.ribeiro" || p.id === "priya.nair") role = "admin";
        else if (isOps(p)) role = "full";
        else if (level(p) === 3) role = "rep"; // team leads: the ZS-9 custom role
        else if (level(p) === 4 && i % 4 === 0 && p.id !== "mia.novak") role = "rep";
        const u = { ...base, role };
        // ZS-3: an admin extended Mia's limited access to three leads of another team.
        if (p.id === "mia.novak") u.grants = { lead: ["L1003", "L1017", "L1029"] };
        return u;
      }
      case "crm": {
        const owner = p.id === "ana.ribeiro" || p.id === "priya.nair";
        const u = { ...base, role: owner ? "owner" : "member" };
        if (p.id === "ana.ribeiro") u.subscriber = true; // CS-4: she subscribed
        return u;
      }
      case "slack": {
        let role = "member";
        const sys = [];
        if (p.id === "ana.ribeiro") role = "primary_owner";
        else if (p.id === "priya.nair") {
          role = "org_admin";
          sys.push("roles_admin");
        } else if (p.id === "marc.dubois") role = "owner";
        else if (level(p) === 2) role = "admin";
        else if (level(p) === 4 && i % 9 === 4) role = "guest"; // contractors (SC-3)
        if (p.id === "bruno.costa" || p.id === "tom.becker") sys.push("sales_admin");
        const u = { ...base, role };
        if (sys.length) u.systemRoles = sys;
        if (p.id === "ana.ribeiro" || p.id === "priya.nair" || p.id === "bruno.costa") u.crmAdmin = true;
        return u;
      }
      case "sales-ops": {
        const u = { ...base, role: isOps(p) ? "sales_ops" : "member" };
        if (p.id === "omar.haddad") u.outOfOffice = true; // SO-4
        return u;
      }
      default:
        throw new Error(`unknown product ${product}`);
    }
  });
}

/** External people (Slack Connect partners), members of their own organisations. */
const EXTERNAL = [
  { id: "kim.lee@globex", name: "Kim Lee", title: "Buyer, Globex", org: "globex", role: "member" },
  { id: "raj.patel@globex", name: "Raj Patel", title: "IT admin, Globex", org: "globex", role: "admin" },
  { id: "eva.stone@initech", name: "Eva Stone", title: "Partner manager, Initech", org: "initech", role: "member" },
  { id: "li.wei@hooli", name: "Li Wei", title: "Procurement, Hooli", org: "hooli", role: "member" },
];

export const DEFAULT_PLAN = {
  "zendesk-sell": "professional",
  crm: "standard",
  slack: "business_plus",
  "sales-ops": "standard",
};

const LEAD_STATUS = [["new", 4], ["working", 5], ["qualified", 3], ["unqualified", 2]];
const DEAL_STAGES = [["incoming", 3], ["qualified", 4], ["quote", 3], ["closure", 2], ["won", 3], ["lost", 2]];
const OPP_STAGES = [["prospecting", 4], ["qualification", 3], ["proposal", 3], ["negotiation", 2], ["closed_won", 3], ["closed_lost", 2]];
const CASE_STATUS = [["open", 4], ["pending", 2], ["solved", 3]];
const SOURCES = ["Web form", "Referral", "Event", "Cold call", "Partner", "Webinar"];

function ownerPicker(r, staff) {
  const sellers = staff.filter((p) => p.level >= 2 && !SALES_OPS.includes(p.id));
  const pairs = sellers.map((p) => [p, p.level === 4 ? 10 : p.level === 3 ? 5 : 1]);
  return () => r.weighted(pairs);
}

function zendeskRecords(staff) {
  const r = rng(7);
  const owner = ownerPicker(r, staff);
  const byId = new Map(staff.map((p) => [p.id, p]));
  const leads = [];
  for (let i = 0; i < 3000; i++) {
    const o = owner();
    const manager = o.managerId && byId.get(o.managerId);
    const creator = manager && manager.level >= 3 && r.next() < 0.2 ? manager.id : o.id;
    leads.push({
      type: "lead",
      id: `L${1001 + i}`,
      name: `${r.pick(FIRST)} ${r.pick(LAST)}`,
      company: r.pick(COMPANIES),
      ownerId: o.id,
      creatorId: creator,
      teamId: o.teams[0] ?? null,
      status: r.weighted(LEAD_STATUS),
      source: r.pick(SOURCES),
      amount: r.int(10, 400) * 100,
    });
  }
  const deals = [];
  for (let i = 0; i < 2400; i++) {
    const o = owner();
    const company = r.pick(COMPANIES);
    deals.push({
      type: "deal",
      id: `D${2001 + i}`,
      name: `${company} — ${r.pick(["pilot", "renewal", "expansion", "new seats", "upsell", "platform"])}`,
      company,
      ownerId: o.id,
      creatorId: o.id,
      teamId: o.teams[0] ?? null,
      stage: r.weighted(DEAL_STAGES),
      amount: r.int(5, 1200) * 100,
    });
  }
  return { lead: leads, deal: deals };
}

function crmRecords(staff) {
  const r = rng(11);
  const creators = staff.map((p) => [p, p.level === 4 ? 10 : p.level === 3 ? 4 : 1]);
  const creator = () => r.weighted(creators);
  const leads = [];
  for (let i = 0; i < 2000; i++) {
    const c = creator();
    leads.push({
      type: "lead",
      id: `CL${1001 + i}`,
      name: `${r.pick(FIRST)} ${r.pick(LAST)}`,
      company: r.pick(COMPANIES),
      creatorId: c.id,
      ownerId: c.id,
      status: r.weighted(LEAD_STATUS),
      amount: r.int(10, 300) * 100,
    });
  }
  const opps = [];
  for (let i = 0; i < 2000; i++) {
    const c = creator();
    const company = r.pick(COMPANIES);
    opps.push({
      type: "opportunity",
      id: `OP${3001 + i}`,
      name: `${company} — ${r.pick(["annual plan", "add-on", "migration", "pilot", "renewal"])}`,
      company,
      creatorId: c.id,
      ownerId: c.id,
      stage: r.weighted(OPP_STAGES),
      amount: r.int(5, 900) * 100,
    });
  }
  const cases = [];
  for (let i = 0; i < 1000; i++) {
    const c = creator();
    cases.push({
      type: "case",
      id: `CS${5001 + i}`,
      name: r.pick(["Login issue", "Invoice question", "Data import failed", "Feature request", "Slow dashboard", "SSO setup"]),
      company: r.pick(COMPANIES),
      creatorId: c.id,
      ownerId: c.id,
      status: r.weighted(CASE_STATUS),
    });
  }
  return { lead: leads, opportunity: opps, case: cases };
}

function slackRecords(staff) {
  const admins = ["ana.ribeiro", "priya.nair", "marc.dubois", "sarah.chen"];
  const sellers = staff.filter((p) => p.level >= 3).map((p) => p.id);
  const r = rng(5);
  const topics = [
    "Deal won over $50k → #sales-wins",
    "Deal moved to Quote → deal owner",
    "Renewal in 30 days → #renewals",
    "New inbound lead (EMEA) → #emea-leads",
    "Opportunity stalled 14 days → owner's manager",
    "Big logo signed → #general",
    "Lead assigned to me → DM",
    "Close date changed → #forecast",
    "Discount over 20% → #deal-desk",
    "Contract sent → #legal-ops",
    "Deal lost → #win-loss",
    "Partner-sourced deal → #acme-globex-deals",
    "Churn risk flagged → #cs-escalations",
    "Quarter-end push → #sales-all",
  ];
  const notifications = topics.map((name, i) => {
    const byAdmin = i % 3 === 0;
    // Bruno and Mia created a few themselves: they may edit those (SE-8).
    const creatorId = byAdmin ? admins[i % admins.length] : i % 4 === 1 ? "bruno.costa" : i % 4 === 2 ? "mia.novak" : r.pick(sellers);
    return {
      type: "notification",
      id: `N${101 + i}`,
      name,
      creatorId,
      createdByAdmin: byAdmin,
      connect: name.includes("globex"),
      enabled: true,
    };
  });
  const channels = [
    { id: "C201", name: "#acme-globex-deals", orgs: ["acme", "globex"], theirName: "#vendor-acme", members: 14 },
    { id: "C202", name: "#acme-globex-onboarding", orgs: ["acme", "globex"], theirName: "#acme-rollout", members: 9, pendingInvite: true },
    { id: "C203", name: "#initech-partnership", orgs: ["acme", "initech"], theirName: "#acme-partners", members: 11 },
    { id: "C204", name: "#hooli-pilot", orgs: ["acme", "hooli"], theirName: "#pilot-acme-crm", members: 6, pendingInvite: true },
    { id: "C205", name: "#globex-initech-acme-joint", orgs: ["acme", "globex", "initech"], theirName: "#joint-bid", members: 21 },
    { id: "C206", name: "#globex-support", orgs: ["acme", "globex"], theirName: "#acme-support", members: 8 },
  ].map((c) => ({ type: "shared_channel", status: "connected", ...c }));
  const orgs = [
    { id: "globex", name: "Globex Corporation" },
    { id: "initech", name: "Initech" },
    { id: "hooli", name: "Hooli" },
  ].map((o) => ({
    type: "external_org",
    ...o,
    channels: channels.filter((c) => c.orgs.includes(o.id)).length,
    dms: true,
    status: "connected",
  }));
  return { notification: notifications, shared_channel: channels, external_org: orgs };
}

function salesOpsRecords(staff) {
  const r = rng(3);
  const ops = ["priya.nair", "tom.becker", "lena.fischer", "omar.haddad", "julia.santos"];
  const newcomers = staff.filter((p) => p.level === 4);
  const tools = ["Salesforce", "Chorus", "DataFox", "Outreach", "Gong", "LinkedIn Sales Navigator"];
  const out = [];
  for (let i = 0; i < 40; i++) {
    const who = newcomers[i % newcomers.length];
    const state = r.weighted([["action_needed", 3], ["in_progress", 4], ["on_hold", 2], ["completed", 3]]);
    // Omar (out of office) holds a few in-progress requests: others may move them on (SO-4).
    const assigneeId = state === "action_needed" ? null : i % 5 === 0 ? "omar.haddad" : r.pick(ops);
    const picked = [r.pick(tools), r.pick(tools)].filter((t, k, a) => a.indexOf(t) === k);
    out.push({
      type: "access_request",
      id: `AR-${101 + i}`,
      title: `${i % 7 === 3 ? "Bulk" : "Onboarding"}: ${who.name} — ${picked.join(", ")}`,
      requesterId: who.managerId,
      creatorId: who.managerId,
      state,
      assigneeId,
      holdReason: state === "on_hold" ? r.pick(["Waiting on SFDC License", "Waiting on manager approval", "Region unclear (SO-7)"]) : null,
    });
  }
  return { access_request: out };
}

/** The whole dataset of one product: { directory, records }. */
export function dataset(product) {
  const staff = people();
  const users = directoryUsers(product, staff);
  if (product === "slack") users.push(...EXTERNAL.map((u) => ({ ...u, level: 0, teams: [] })));
  const directory = { name: "Acme", plan: DEFAULT_PLAN[product], org: "acme", settings: {}, users };
  const records =
    product === "zendesk-sell"
      ? zendeskRecords(staff)
      : product === "crm"
        ? crmRecords(staff)
        : product === "slack"
          ? slackRecords(staff)
          : salesOpsRecords(staff);
  return { directory, records };
}

export const PRODUCTS = ["zendesk-sell", "crm", "slack", "sales-ops"];

/** The record types each product stores (the keys of its dataset's `records`). */
export const PRODUCT_TYPES = {
  "zendesk-sell": ["lead", "deal"],
  crm: ["lead", "opportunity", "case"],
  slack: ["notification", "shared_channel", "external_org"],
  "sales-ops": ["access_request"],
};
