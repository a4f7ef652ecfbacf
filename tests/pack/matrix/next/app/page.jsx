// A Server Component page rendering a client component that loads accord in the browser.
import Decision from "./decision.jsx";

export default function Page() {
  return <Decision />;
}
