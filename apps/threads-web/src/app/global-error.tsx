"use client";
/** When even the layout fails: a complete page of its own. */
import "./globals.css";

export default function GlobalError({ reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main id="main" className="narrow">
          <h1>Something went wrong</h1>
          <p>Threads Analytics could not show this page. Please try again.</p>
          <p className="actions">
            <button type="button" className="button" onClick={() => reset()}>
              Try again
            </button>
            <a href="/">Go to the home page</a>
          </p>
        </main>
      </body>
    </html>
  );
}
