"use client";
/** A page that failed while rendering: say so plainly and offer to try again. */
export default function ErrorPage({ reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  return (
    <div className="narrow">
      <h1>Something went wrong</h1>
      <p>This page could not be shown. The problem has been logged; trying again usually helps.</p>
      <p className="actions">
        <button type="button" className="button" onClick={() => reset()}>
          Try again
        </button>
        <a href="/">Go to the home page</a>
      </p>
    </div>
  );
}
