import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "../components/site-header.js";
import { runtimeEnv } from "../lib/runtime-env.js";
import { looksSignedIn } from "../lib/session.js";
import "./globals.css";

// Every answer carries a fresh script nonce (src/proxy.ts), so nothing is prerendered.
export const dynamic = "force-dynamic";

export function generateMetadata(): Metadata {
  return {
    metadataBase: new URL(runtimeEnv().SITE_URL),
    title: { default: "Threads Analytics", template: "%s · Threads Analytics" },
    description: "See which of your Threads posts land, and which replies cross the line.",
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, colorScheme: "light" };

export default async function RootLayout({ children }: { readonly children: ReactNode }) {
  const signedIn = await looksSignedIn();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader signedIn={signedIn} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <p>
            Threads Analytics reads your public Threads posts and their replies to score them. <a href="/account">Delete your data</a> at any
            time.
          </p>
        </footer>
      </body>
    </html>
  );
}
