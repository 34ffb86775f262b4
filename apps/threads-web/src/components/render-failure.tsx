"use client";
/** What a person sees when a page failed while rendering: what happened and two ways on. */

export function RenderFailure({ message, reset }: { readonly message: string; readonly reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <p>{message}</p>
      <p className="actions">
        <button type="button" className="button" onClick={() => reset()}>
          Try again
        </button>
        <a href="/">Go to the home page</a>
      </p>
    </>
  );
}
