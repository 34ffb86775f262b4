"use client";
/** A page that failed while rendering: say so plainly and offer to try again. */
import { RenderFailure } from "../components/render-failure.js";

export default function ErrorPage({ reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  return (
    <div className="narrow">
      <RenderFailure message="This page could not be shown. The problem has been logged; trying again usually helps." reset={reset} />
    </div>
  );
}
