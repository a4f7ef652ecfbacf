"use client";
// A client component: loads accord in the browser, then asks it through accord/react.
import { useEffect, useState } from "react";
import init, { Engine, presets, type Directory, type Tenant } from "accord";
import { AccordProvider, Can, usePermitted } from "accord/react";

type Lead = { type: "lead"; id: string; ownerId: string };

function Buttons() {
  const actions = usePermitted({ type: "lead" });
  return <p id="buttons">{actions.length ? actions.join(",") : "loading"}</p>;
}

export default function Permissions({ directory, user, leads }: { directory: Directory; user: string; leads: Lead[] }) {
  const [tenant, setTenant] = useState<Tenant | null>(null);
  useEffect(() => {
    init().then(() => setTenant(new Engine(presets["zendesk-sell"]()).tenant(directory)));
  }, [directory]);
  return (
    <AccordProvider tenant={tenant} user={user}>
      <ul>
        {leads.map((lead) => (
          <li key={lead.id} id={lead.id}>
            {lead.id}{" "}
            <Can do="update" on={lead} fallback={(d) => <span>{d ? `no:${d.code}` : "…"}</span>}>
              <button>update</button>
            </Can>
          </li>
        ))}
      </ul>
      <Buttons />
    </AccordProvider>
  );
}
