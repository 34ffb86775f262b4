/**
 * The few cookie operations the site needs: it never sets cookies of its own,
 * it forwards the browser's to the API and relays the API's Set-Cookie back.
 */

/** Cookies threads-api sets at sign-in (API.md, Sessions). */
export const ACCESS_COOKIE = "threads_access";
export const REFRESH_COOKIE = "threads_refresh";

/** Name → value of a `Cookie` request header. */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (name !== "" && !cookies.has(name)) cookies.set(name, part.slice(index + 1).trim());
  }
  return cookies;
}

/** Whether the browser holds any part of a session (a signed-in person, or one whose access token lapsed). */
export function hasSessionCookie(header: string | null | undefined): boolean {
  const cookies = parseCookieHeader(header);
  return cookies.has(ACCESS_COOKIE) || cookies.has(REFRESH_COOKIE);
}

interface SetCookie {
  readonly name: string;
  readonly value: string;
  /** Max-Age=0 or an Expires in the past: the browser deletes it. */
  readonly deletes: boolean;
}

function parseSetCookie(line: string, now: number): SetCookie | undefined {
  const [pair = "", ...attributes] = line.split(";");
  const index = pair.indexOf("=");
  if (index <= 0) return undefined;
  let deletes = false;
  for (const attribute of attributes) {
    const [key = "", value = ""] = attribute.split("=", 2).map((s) => s.trim());
    if (key.toLowerCase() === "max-age" && Number(value) <= 0) deletes = true;
    if (key.toLowerCase() === "expires" && Date.parse(value) <= now) deletes = true;
  }
  return { name: pair.slice(0, index).trim(), value: pair.slice(index + 1).trim(), deletes };
}

/**
 * The `Cookie` header the browser will send once it has applied `setCookies`:
 * used to call the API again right after a refresh, in the same request.
 */
export function applySetCookies(header: string | null | undefined, setCookies: readonly string[], now = Date.now()): string {
  const cookies = parseCookieHeader(header);
  for (const line of setCookies) {
    const cookie = parseSetCookie(line, now);
    if (cookie === undefined) continue;
    if (cookie.deletes) cookies.delete(cookie.name);
    else cookies.set(cookie.name, cookie.value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}
