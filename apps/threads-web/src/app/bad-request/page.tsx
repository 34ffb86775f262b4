import type { Metadata } from "next";
import { PARAMETER_HELP } from "../../lib/listing-query.js";

export const metadata: Metadata = { title: "Bad request" };

/** Answered with 400 (src/proxy.ts) when a paged list's query is wrong. */
export default async function BadRequestPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).parameter;
  const parameter = Array.isArray(raw) ? raw[0] : raw;
  const help = parameter !== undefined ? PARAMETER_HELP[parameter] : undefined;
  return (
    <div className="narrow">
      <h1>That address has a mistake in it</h1>
      <p>{help !== undefined ? `In the address, ${help}.` : "Part of the address is not something this page understands."}</p>
      <p>
        <a className="button" href="/dashboard">
          Go to your dashboard
        </a>
      </p>
    </div>
  );
}
