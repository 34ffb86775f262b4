/** How numbers and dates read on every page: English, dates in UTC and said so. */

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const score = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const moment = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatCount = (value: number): string => (value >= 10_000 ? compact.format(value) : integer.format(value));
export const formatScore = (value: number): string => score.format(value);
export const formatPercent = (fraction: number): string => `${Math.round(fraction * 100)}%`;
export const formatDay = (iso: string): string => day.format(new Date(iso));
export const formatMoment = (iso: string): string => `${moment.format(new Date(iso))} UTC`;

/** The first `max` characters of a text, cut at a word where possible. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Only https links leave the site (a permalink from the API is data, not trusted markup). */
export function externalHref(url: string | null): string | undefined {
  if (url === null) return undefined;
  try {
    return new URL(url).protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}
