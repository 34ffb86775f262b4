/** A tagged template that escapes every interpolated value unless it is already SafeHtml. */

const RAW = Symbol("raw html");

export interface SafeHtml {
  readonly [RAW]: string;
}

export type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const NEEDS_ESCAPING = /[&<>"']/;

export function escapeHtml(text: string): string {
  // Most values (names, numbers, ids) have nothing to escape: skip the replace and its callbacks.
  if (!NEEDS_ESCAPING.test(text)) return text;
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === "object" && value !== null && RAW in value;
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (isSafe(value)) return value[RAW];
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return { [RAW]: out };
}

/** Trusted markup (a constant, or output of `html`), taken as it is. */
export function raw(markup: string): SafeHtml {
  return { [RAW]: markup };
}

export function toHtmlString(fragment: SafeHtml): string {
  return fragment[RAW];
}

/** Only https links and images from outside make it into a page (no javascript: or data: URLs). */
export function safeUrl(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}
