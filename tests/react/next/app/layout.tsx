// The root layout (a Server Component). The icon is inline so the browser asks for no
// /favicon.ico, whose 404 the test would count as a console error.
export const metadata = { title: "accord/react in Next.js", icons: { icon: "data:," } };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
