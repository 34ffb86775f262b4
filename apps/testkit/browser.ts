/**
 * A browser without JavaScript for tests: keeps cookies as Set-Cookie says
 * (dropping one that is emptied or expired; Domain and Path are not checked,
 * every cookie goes to the one app under test), never follows redirects.
 */

/** Headers for one request. */
export type RequestHeaders = Record<string, string>;

export interface RequestInit {
  readonly body?: string;
  readonly headers?: RequestHeaders;
}

interface StoredCookie {
  readonly value: string;
  /** Every attribute as sent, names lower-cased (`httponly`, `samesite=none`, `domain=example.test`…). */
  readonly attributes: readonly string[];
}

export class Browser {
  /** Where paths resolve; a test may point the same browser (its cookies) at another app. */
  baseUrl: string;
  /** Sent with every request (after the defaults, before a request's own headers); tests may replace it. */
  headers: RequestHeaders = {};
  readonly #defaultHeaders: RequestHeaders;
  readonly #cookies = new Map<string, StoredCookie>();

  /** @param defaultHeaders sent with every request, e.g. `{ accept: "text/html" }` for a person's browser. */
  constructor(baseUrl: string, defaultHeaders: RequestHeaders = {}) {
    this.baseUrl = baseUrl;
    this.#defaultHeaders = defaultHeaders;
  }

  get(path: string, headers: RequestHeaders = {}): Promise<Response> {
    return this.request("GET", path, { headers });
  }

  /** Submits a form as a browser does: urlencoded, asking for HTML. */
  postForm(path: string, fields: Record<string, string>, headers: RequestHeaders = {}): Promise<Response> {
    return this.request("POST", path, {
      body: new URLSearchParams(fields).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...headers },
    });
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.#cookies].map(([name, stored]) => `${name}=${stored.value}`).join("; ");
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: "manual",
      headers: { ...this.#defaultHeaders, ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    for (const header of response.headers.getSetCookie()) this.#store(header);
    return response;
  }

  /** The cookie's value, as the browser would send it. */
  cookie(name: string): string | undefined {
    return this.#cookies.get(name)?.value;
  }

  /** The attributes the cookie was set with, names lower-cased (`httponly`, `max-age=900`…). */
  cookieAttributes(name: string): readonly string[] | undefined {
    return this.#cookies.get(name)?.attributes;
  }

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, { value, attributes: [] });
  }

  forget(name: string): void {
    this.#cookies.delete(name);
  }

  clearCookies(): void {
    this.#cookies.clear();
  }

  #store(header: string): void {
    const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
    const separator = pair.indexOf("=");
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1);
    const lowered = attributes.map((attribute) => attribute.toLowerCase());
    if (value === "" || isExpired(lowered)) this.#cookies.delete(name);
    else this.#cookies.set(name, { value, attributes: lowered });
  }
}

function isExpired(attributes: readonly string[]): boolean {
  for (const attribute of attributes) {
    const [key = "", setting = ""] = attribute.split("=", 2);
    if (key === "max-age" && Number(setting) <= 0) return true;
    if (key === "expires" && Date.parse(setting) <= Date.now()) return true;
  }
  return false;
}

/** The CSRF token (`_csrf`) of the first form on a page. */
export function csrfTokenIn(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error("the page has no form with a CSRF token");
  return match[1];
}
