/**
 * A browser's cookie handling, enough for HTTP-level tests: cookies are kept
 * per host (ports ignored, as browsers do, so 127.0.0.1's cookies reach both
 * the site and the API), deleted by Max-Age=0, sent back on every request.
 * Redirects are not followed unless asked, so each hop can be checked.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  get(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }

  store(url: string, setCookies: readonly string[]): void {
    const host = new URL(url).hostname;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const deletes = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute));
      if (deletes) jar.delete(name);
      else jar.set(name, pair.slice(index + 1).trim());
    }
  }

  header(url: string): string {
    return [...(this.cookies.get(new URL(url).hostname) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.header(url);
    if (cookie !== "") headers.set("cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.store(url, response.headers.getSetCookie());
    return response;
  }

  /** Follows redirects like a browser (303 → GET); returns the last answer and every URL visited. */
  async follow(url: string, init: RequestInit = {}, maxHops = 10): Promise<{ response: Response; visited: string[] }> {
    const visited = [url];
    let response = await this.fetch(url, init);
    for (let hop = 0; hop < maxHops && response.status >= 300 && response.status < 400; hop++) {
      const next = new URL(response.headers.get("location") ?? "/", visited.at(-1)).toString();
      visited.push(next);
      const keepMethod = response.status === 307 || response.status === 308;
      response = await this.fetch(next, keepMethod ? init : {});
    }
    return { response, visited };
  }
}
