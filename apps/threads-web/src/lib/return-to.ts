/**
 * Where to send a person after sign-in or a refresh: only a path on this site.
 * Anything else (another host, `//evil.example`, `/\evil`) falls back to the
 * dashboard, as the API does for its own `return_to`.
 */
export const DEFAULT_RETURN_TO = "/dashboard";
const MAX_LENGTH = 512;

export function safeReturnTo(value: string | null | undefined): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return DEFAULT_RETURN_TO;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return DEFAULT_RETURN_TO;
  // Control characters could split a header once the path becomes a Location.
  if (/[\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN_TO;
  return value;
}

/** `path?return_to=<to>`, for links to the session pages. */
export function withReturnTo(path: string, returnTo: string): string {
  return `${path}?return_to=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
