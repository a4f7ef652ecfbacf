// A Server Component: it knows who is signed in and passes plain data to the client component.
import Permissions from "./permissions";

export default function Page() {
  const directory = { plan: "professional", users: [{ id: "sm", role: "limited" }, { id: "r1", role: "rep", managerId: "sm" }] };
  const leads = [{ type: "lead" as const, id: "L1", ownerId: "r1" }, { type: "lead" as const, id: "L2", ownerId: "sm" }];
  return (
    <main>
      <h1>Leads</h1>
      <Permissions directory={directory} user="r1" leads={leads} />
    </main>
  );
}
