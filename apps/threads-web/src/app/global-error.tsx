"use client";
/** When even the layout fails: a complete page of its own. */
import "./globals.css";
import { RenderFailure } from "../components/render-failure.js";

export default function GlobalError({ reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main id="main" className="narrow">
          <RenderFailure message="Threads Analytics could not show this page. Please try again." reset={reset} />
        </main>
      </body>
    </html>
  );
}
