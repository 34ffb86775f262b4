import type { Metadata } from "next";
import { safeReturnTo } from "../../lib/return-to.js";

export const metadata: Metadata = { title: "Temporarily unavailable" };

/** Answered with 503 and Retry-After (src/proxy.ts). */
export default async function UnavailablePage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).return_to;
  const returnTo = safeReturnTo(Array.isArray(raw) ? raw[0] : raw);
  return (
    <div className="narrow">
      <h1>We can’t reach your analytics right now</h1>
      <p>The service that holds your scores is not answering. Nothing is lost; please try again in a moment.</p>
      <p>
        <a className="button" href={returnTo}>
          Try again
        </a>
      </p>
    </div>
  );
}
