/**
 * Range pagination as the Platform API does it: `Range: <field> [start]..[end]; max=<n>[, order=desc]`,
 * `206 Partial Content` with `Next-Range` when more remain, `Content-Range`
 * describing the page, `Accept-Ranges` listing sortable fields, 416 for a bad
 * Range.
 */
import { ApiError } from "../errors";
import type { Reply, RequestContext } from "./router";

export interface PageSettings {
  /** Page size when the client does not ask for one. */
  readonly pageSize: number;
  /** Largest page the double will serve, whatever the client asks. */
  readonly maxPageSize: number;
}

export type SortKey<T> = (item: T) => string | number;

interface ParsedRange {
  field: string;
  start: string | null;
  exclusive: boolean;
  max: number | null;
  descending: boolean;
}

const RANGE_RE = /^\s*([a-z_]+)\s+(\]?)(.*?)\.\.(.*?)\s*(?:;\s*(.*))?$/i;

function parseRange(header: string): ParsedRange {
  const m = RANGE_RE.exec(header);
  if (!m) throw rangeError();
  const field = m[1] ?? "";
  const exclusive = m[2] === "]";
  const start = (m[3] ?? "").trim() === "" ? null : (m[3] ?? "").trim();
  let max: number | null = null;
  let descending = false;
  for (const option of (m[5] ?? "").split(/[,;]/)) {
    const [k, v] = option.split("=").map((s) => s.trim());
    if (!k) continue;
    if (k === "max") {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw rangeError();
      max = n;
    } else if (k === "order") {
      if (v !== "asc" && v !== "desc") throw rangeError();
      descending = v === "desc";
    } else {
      throw rangeError();
    }
  }
  return { field, start, exclusive, max, descending };
}

function rangeError(): ApiError {
  return new ApiError(416, "requested_range_not_satisfiable", "Requested range not satisfiable.");
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * Serve `items` as one page. `keys` lists the fields the endpoint can sort by;
 * the first is the default (Heroku's default is `id`).
 */
export function paginate<T>(
  ctx: RequestContext,
  settings: PageSettings,
  items: readonly T[],
  keys: Readonly<Record<string, SortKey<T>>>,
  render: (item: T) => unknown,
): Reply {
  const fields = Object.keys(keys);
  const defaultField = fields[0] ?? "id";
  const header = ctx.headers["range"];
  const range: ParsedRange = header
    ? parseRange(Array.isArray(header) ? (header[0] ?? "") : header)
    : { field: defaultField, start: null, exclusive: false, max: null, descending: false };
  const keyOf = keys[range.field];
  if (!keyOf) throw rangeError();

  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  if (range.descending) sorted.reverse();
  let from = 0;
  if (range.start !== null) {
    const start = typeof keyOf(sorted[0] as T) === "number" ? Number(range.start) : range.start;
    from = sorted.findIndex((item) => {
      const c = compare(keyOf(item), start) * (range.descending ? -1 : 1);
      return range.exclusive ? c > 0 : c >= 0;
    });
    if (from < 0) from = sorted.length;
  }
  const size = Math.min(range.max ?? settings.pageSize, settings.maxPageSize);
  const page = sorted.slice(from, from + size);
  const more = from + size < sorted.length;
  const headers: Record<string, string> = { "Accept-Ranges": fields.join(", ") };
  const first = page[0];
  const last = page.at(-1);
  if (first !== undefined && last !== undefined) {
    headers["Content-Range"] = `${range.field} ${keyOf(first)}..${keyOf(last)}; max=${size}${range.descending ? ", order=desc" : ""}`;
  }
  if (more && last !== undefined) {
    headers["Next-Range"] = `${range.field} ]${keyOf(last)}..; max=${size}${range.descending ? ", order=desc" : ""}`;
  }
  return { status: more ? 206 : 200, json: page.map(render), headers };
}
