import type { Metadata } from "next";
import { safeReturnTo, withReturnTo } from "../../lib/return-to.js";

export const metadata: Metadata = { title: "Session expired" };

export default async function SessionExpiredPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).return_to;
  const returnTo = safeReturnTo(Array.isArray(raw) ? raw[0] : raw);
  return (
    <div className="narrow">
      <h1>Your session has expired</h1>
      <p>For your safety you were signed out after a while without a visit, or because you signed out on another device.</p>
      <p>
        <a className="button" href={withReturnTo("/signin", returnTo)}>
          Sign in again
        </a>
      </p>
    </div>
  );
}
