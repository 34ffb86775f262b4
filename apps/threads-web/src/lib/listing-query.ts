/**
 * The query strings of the paged lists (dashboard, flagged replies). The
 * proxy answers 400 naming the parameter when one is wrong; pages then read
 * values that are known to be valid.
 */
import { z } from "zod";

/** Posts per page of the dashboard and flagged replies (the API allows up to 100). */
export const PER_PAGE = 20;

const pageNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, "must be a whole number from 1")
  .transform(Number)
  .default(1);

export const POST_SORTS = ["score", "recent", "engagement"] as const;
export type PostSort = (typeof POST_SORTS)[number];
export const SORT_ORDERS = ["desc", "asc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const postsQuerySchema = z.object({
  sort: z.enum(POST_SORTS).default("score"),
  order: z.enum(SORT_ORDERS).default("desc"),
  page: pageNumber,
});
export type PostsQuery = z.infer<typeof postsQuerySchema>;

export const flaggedQuerySchema = z.object({ page: pageNumber });
export type FlaggedQuery = z.infer<typeof flaggedQuerySchema>;

/** Which listing each path has. */
export const LISTINGS = { "/dashboard": postsQuerySchema, "/flagged": flaggedQuerySchema } as const;

/** What a bad parameter should have been, for the 400 page. */
export const PARAMETER_HELP: Readonly<Record<string, string>> = {
  sort: `sort must be one of ${POST_SORTS.join(", ")}`,
  order: `order must be desc or asc`,
  page: "page must be a whole number from 1",
};

type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>> | URLSearchParams;

/** First value of each parameter: a repeated parameter is read as its first value. */
function firstValues(query: RawQuery): Record<string, string> {
  const values: Record<string, string> = {};
  if (query instanceof URLSearchParams) {
    for (const [key, value] of query) values[key] ??= value;
    return values;
  }
  for (const [key, value] of Object.entries(query)) {
    const first = typeof value === "string" ? value : value?.[0];
    if (first !== undefined) values[key] = first;
  }
  return values;
}

export type ListingParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly parameter: string };

export function parseListingQuery<S extends z.ZodType>(schema: S, query: RawQuery): ListingParse<z.output<S>> {
  const parsed = schema.safeParse(firstValues(query));
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, parameter: String(parsed.error.issues[0]?.path[0] ?? "query") };
}

/** The query string of a listing link, leaving defaults out so URLs stay short. */
export function listingHref(path: string, values: Readonly<Record<string, string | number>>, defaults: Readonly<Record<string, string | number>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (defaults[key] !== value) query.set(key, String(value));
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}
