/**
 * The built site against the contract stub of threads-api: pages render on
 * the server from the API's data, sessions refresh once and otherwise end on
 * /session-expired, forms only work from the site itself, every answer
 * carries the security headers, and outages and bad queries get their status.
 */
import fs from "node:fs";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ContractApi } from "./support/contract-api.js";
import { CookieJar } from "./support/cookie-jar.js";
import { ADA, BO } from "./support/data.js";
import { startWeb, type WebProcess } from "./support/web.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
let api: ContractApi;
let web: WebProcess;
let jar: CookieJar;

beforeAll(async () => {
  api = await ContractApi.start([ADA, BO]);
  web = await startWeb(api.url);
  api.webOrigin = web.url;
});
afterAll(async () => {
  await web?.stop();
  await api?.close();
});
beforeEach(() => {
  jar = new CookieJar();
  api.outage = undefined;
});

/** Signs in through the API's login route, as the sign-in page's link does, and lands on the dashboard. */
async function signIn(): Promise<Response> {
  const { response, visited } = await jar.follow(`${api.url}/api/v1/auth/threads/login?return_to=%2Fdashboard`);
  expect(visited.at(-1)).toBe(`${web.url}/dashboard`);
  return response;
}

const text = (html: string) => html.replace(/<!-- -->/g, "");

describe("signed out", () => {
  it("the landing page invites to sign in; sign-in links to the API's login with where to come back", async () => {
    const landing = await jar.fetch(`${web.url}/`);
    expect(landing.status).toBe(200);
    const html = await landing.text();
    expect(html).toContain("See which of your Threads posts land");
    expect(html).toContain('href="/signin"');

    const signin = await (await jar.fetch(`${web.url}/signin?return_to=%2Fflagged%3Fpage%3D2`)).text();
    expect(signin).toContain(`href="${api.url}/api/v1/auth/threads/login?return_to=%2Fflagged%3Fpage%3D2"`);
    // A return_to leading off the site is replaced by the dashboard.
    const offsite = await (await jar.fetch(`${web.url}/signin?return_to=//evil.example/x`)).text();
    expect(offsite).toContain(`login?return_to=%2Fdashboard"`);
  });

  it("explains the API's sign-in errors without echoing the query", async () => {
    const denied = await (await jar.fetch(`${web.url}/signin?error=access_denied`)).text();
    expect(denied).toContain("You did not allow Threads Analytics");
    const odd = await (await jar.fetch(`${web.url}/signin?error=%3Cscript%3Ealert(1)%3C/script%3E`)).text();
    expect(odd).toContain("Signing in did not work");
    // The query is never echoed into the page (Next.js keeps the URL, encoded, in its payload).
    expect(odd).not.toContain("<script>alert");
    expect(odd).not.toContain("&lt;script&gt;");
  });

  it("a signed-in page sends a visitor without a session to sign-in, remembering the page", async () => {
    const response = await jar.fetch(`${web.url}/flagged?page=2`);
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/signin?return_to=%2Fflagged%3Fpage%3D2");
    expect(api.requests.filter((r) => r.path.startsWith("/api/v1/me"))).toEqual([]);
  });

  it("unknown pages are a 404 page", async () => {
    const response = await jar.fetch(`${web.url}/no/such/page`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Page not found");
  });
});

describe("signed in", () => {
  it("the dashboard shows the person's posts by score, 20 a page, with the API called with their cookies and our request id", async () => {
    api.requests.length = 0;
    const response = await signIn();
    expect(response.status).toBe(200);
    const html = text(await response.text());
    expect(html).toContain("Ada Lovelace");
    expect(html).toContain("Data current as of Oct 27, 2026");
    const order = [...html.matchAll(/data-post-id="(ada-post-\d+)"/g)].map((m) => m[1]);
    expect(order).toHaveLength(20);
    expect(order.slice(0, 3)).toEqual(["ada-post-25", "ada-post-24", "ada-post-23"]);
    expect(html).toContain("37.5"); // post 25's score
    expect(html).toContain("Page 1 of 2");
    // Text from the API is escaped, and only https permalinks become links.
    expect(html).toContain("&lt;b&gt;often&lt;/b&gt;");
    expect(html).toContain('href="https://www.threads.net/@ada/post/25"');
    expect(html).not.toContain("javascript:alert");

    const calls = api.requests.filter((r) => r.path.startsWith("/api/v1/me"));
    expect(calls.map((r) => r.path).sort()).toEqual(["/api/v1/me", "/api/v1/me/posts?sort=score&order=desc&page=1&perPage=20"]);
    for (const call of calls) {
      expect(call.cookie).toContain("threads_access=");
      expect(call.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(calls.map((c) => c.requestId)).size).toBe(1);
  });

  it("sorts and pages as the links say", async () => {
    await signIn();
    const oldest = text(await (await jar.fetch(`${web.url}/dashboard?sort=recent&order=asc&page=2`)).text());
    expect([...oldest.matchAll(/data-post-id="(ada-post-\d+)"/g)].map((m) => m[1])).toEqual(["ada-post-21", "ada-post-22", "ada-post-23", "ada-post-24", "ada-post-25"]);
    expect(oldest).toContain("Page 2 of 2");
    expect(oldest).toContain('href="/dashboard?sort=recent&amp;order=asc" rel="prev"');
    expect(oldest).toContain('aria-current="true">Date</a>');
  });

  it("a bad query on a list is a 400 naming the parameter, without calling the API", async () => {
    await signIn();
    api.requests.length = 0;
    for (const [query, words] of [
      ["sort=popular", "sort must be one of score, recent, engagement"],
      ["order=sideways", "order must be desc or asc"],
      ["page=0", "page must be a whole number from 1"],
    ] as const) {
      const response = await jar.fetch(`${web.url}/dashboard?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.text()).toContain(words);
    }
    expect((await jar.fetch(`${web.url}/flagged?page=abc`)).status).toBe(400);
    expect(api.requests).toEqual([]);
  });

  it("flagged replies are listed most toxic first with their categories", async () => {
    await signIn();
    const html = text(await (await jar.fetch(`${web.url}/flagged`)).text());
    expect(html.indexOf("You are an idiot")).toBeLessThan(html.indexOf("Nobody wants this"));
    expect(html).toContain("Toxicity 93%");
    expect(html).toContain("hate speech");
  });

  it("a person whose posts are not read yet sees that, not an empty error", async () => {
    const cookies = api.signIn(BO.id);
    jar.store(api.url, cookies);
    const html = text(await (await jar.fetch(`${web.url}/dashboard`)).text());
    expect(html).toContain("We are still reading your posts from Threads");
    expect(html).toContain("No posts yet.");
  });
});

describe("sessions", () => {
  it("an expired access token is refreshed once, the API's new cookies relayed, and the page comes back", async () => {
    await signIn();
    const before = jar.get("127.0.0.1", "threads_refresh");
    api.expireAccessTokens();
    const first = await jar.fetch(`${web.url}/dashboard?sort=engagement`);
    expect(first.status).toBe(307);
    expect(first.headers.get("location")).toBe("/auth/refresh?return_to=%2Fdashboard%3Fsort%3Dengagement");

    const refresh = await jar.fetch(new URL(first.headers.get("location")!, web.url).toString());
    expect(refresh.status).toBe(303);
    expect(refresh.headers.get("location")).toBe("/dashboard?sort=engagement");
    expect(refresh.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["threads_access", "threads_refresh"]);
    expect(jar.get("127.0.0.1", "threads_refresh")).not.toBe(before);
    const refreshCall = api.requests.findLast((r) => r.path === "/api/v1/auth/refresh");
    expect(refreshCall?.origin).toBe(web.url);

    const page = await jar.fetch(`${web.url}/dashboard?sort=engagement`);
    expect(page.status).toBe(200);
  });

  it("when the refresh token is no good, the person lands on the session-expired page leading to sign-in", async () => {
    await signIn();
    api.expireAccessTokens();
    const stolen = jar.get("127.0.0.1", "threads_refresh");
    // Someone used the refresh token first: the API revokes the family.
    await jar.follow(`${web.url}/dashboard`);
    jar.store(api.url, [`threads_refresh=${stolen}`]);
    api.expireAccessTokens();
    const { response, visited } = await jar.follow(`${web.url}/account`);
    expect(visited.slice(1).map((u) => new URL(u).pathname)).toEqual(["/auth/refresh", "/session-expired"]);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain("Your session has expired");
    expect(html).toContain('href="/signin?return_to=%2Faccount"');
  });

  it("refresh without a refresh cookie goes to sign-in, and never leaves the site", async () => {
    const response = await jar.fetch(`${web.url}/auth/refresh?return_to=https://evil.example/`);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/signin?return_to=%2Fdashboard");
  });

  it("signing out revokes the session at the API and relays the cleared cookies; only from this site", async () => {
    await signIn();
    const kept = { access: jar.get("127.0.0.1", "threads_access")!, refresh: jar.get("127.0.0.1", "threads_refresh")! };
    const crossSite = await jar.fetch(`${web.url}/auth/sign-out`, { method: "POST", headers: { origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    expect(jar.get("127.0.0.1", "threads_access")).toBeDefined();

    const response = await jar.fetch(`${web.url}/auth/sign-out`, { method: "POST", headers: { origin: web.url } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/?signed_out=1");
    expect(jar.get("127.0.0.1", "threads_access")).toBeUndefined();
    expect(jar.get("127.0.0.1", "threads_refresh")).toBeUndefined();
    expect(await (await jar.fetch(`${web.url}/?signed_out=1`)).text()).toContain("You are signed out.");
    expect(api.requests.findLast((r) => r.path === "/api/v1/auth/logout")?.cookie).toContain(`threads_refresh=${kept.refresh}`);

    // The cookies from before, presented again, lead to the session-expired page (the API ended the session).
    jar.store(api.url, [`threads_access=${kept.access}`, `threads_refresh=${kept.refresh}`]);
    const replay = await jar.follow(`${web.url}/dashboard`);
    expect(replay.visited.slice(1).map((u) => new URL(u).pathname)).toEqual(["/auth/refresh", "/session-expired"]);
    expect(replay.response.status).toBe(200);
    expect(await replay.response.text()).toContain('href="/signin?return_to=%2Fdashboard"');
    expect(jar.get("127.0.0.1", "threads_access")).toBeUndefined();
  });
});

describe("delete my data", () => {
  it("needs the confirm box, then deletes through the API and signs out", async () => {
    const cookies = api.signIn(BO.id);
    jar.store(api.url, cookies);
    const confirmPage = await (await jar.fetch(`${web.url}/account/delete`)).text();
    expect(confirmPage).toContain('action="/account/delete/confirm"');
    expect(confirmPage).toContain('<label for="confirm">');

    const post = (body: string, origin = web.url) =>
      jar.fetch(`${web.url}/account/delete/confirm`, { method: "POST", headers: { origin, "content-type": "application/x-www-form-urlencoded" }, body });
    const unconfirmed = await post("");
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("location")).toBe("/account/delete?error=unconfirmed");
    expect((await post("confirm=yes", "https://evil.example")).status).toBe(403);
    expect(api.hasUser(BO.id)).toBe(true);

    const deleted = await post("confirm=yes");
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe("/goodbye");
    expect(api.hasUser(BO.id)).toBe(false);
    expect(api.requests.findLast((r) => r.method === "DELETE")?.origin).toBe(web.url);
    expect(jar.get("127.0.0.1", "threads_access")).toBeUndefined();
    expect(await (await jar.fetch(`${web.url}/goodbye`)).text()).toContain("Your data was deleted");
  });
});

describe("outages", () => {
  it("an API outage is a 503 page with Retry-After and a way to try again", async () => {
    await signIn();
    api.outage = 503;
    const { response, visited } = await jar.follow(`${web.url}/flagged?page=2`);
    expect(visited.at(-1)).toBe(`${web.url}/unavailable?return_to=%2Fflagged%3Fpage%3D2`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    const html = await response.text();
    expect(html).toContain("Try again");
    expect(html).toContain('href="/flagged?page=2"');
    expect(web.lines.some((line) => line.msg === "threads-api unavailable" && typeof line.request_id === "string")).toBe(true);
  });

  it("an answer the site did not expect is a 500 with the error page (Try again), logged as one JSON line with the request id", async () => {
    await signIn();
    api.outage = 400; // a 4xx for a request the site built itself is a bug, not the person's mistake
    const response = await jar.fetch(`${web.url}/flagged`, { headers: { "x-request-id": "heroku-request-0400" } });
    expect(response.status).toBe(500);
    // Next.js sends the error to the page's error boundary, which the browser renders (checked in Chromium below).
    expect(await response.text()).toMatch(/static\/chunks\/app\/error-[0-9a-f]+\.js/);
    const line = await web.waitFor((l) => l.msg === "request failed" && l.request_id === "heroku-request-0400");
    expect(line).toMatchObject({ level: "error", req: { method: "GET", url: "/flagged" } });
    expect(JSON.stringify(line)).not.toContain("threads_access=");

    if (!fs.existsSync(CHROMIUM)) return;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const context = await browser.newContext();
      await context.addCookies(["threads_access", "threads_refresh"].map((name) => ({ name, value: jar.get("127.0.0.1", name) ?? "", url: web.url })));
      const page = await context.newPage();
      await page.goto(`${web.url}/flagged`);
      await page.getByRole("heading", { name: "Something went wrong" }).waitFor();
      expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it("an API that cannot be reached at all is the same outage, not a crash", async () => {
    const down = await startWeb("http://127.0.0.1:9", { SITE_URL: "http://127.0.0.1:1" });
    try {
      jar.store(down.url, ["threads_access=x", "threads_refresh=y"]);
      const response = await jar.fetch(`${down.url}/dashboard`);
      expect(response.status).toBe(307);
      expect(response.headers.get("location")).toBe("/unavailable?return_to=%2Fdashboard");
    } finally {
      await down.stop();
    }
  });
});

describe("every answer", () => {
  it("carries the security headers, a CSP allowing exactly the API origin, and noindex outside production", async () => {
    const apiOrigin = new URL(api.url).origin;
    for (const path of ["/", "/health", "/no/such/page", "/dashboard", "/dashboard?sort=x", "/unavailable", "/_next/static/not-there.js"]) {
      const response = await jar.fetch(`${web.url}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{24}' 'strict-dynamic'/);
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).toContain("frame-ancestors 'none'");
      const connect = csp.split("; ").find((d) => d.startsWith("connect-src"));
      expect(connect, path).toBe(`connect-src 'self' ${apiOrigin}`);
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=63072000; includeSubDomains");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-robots-tag"), path).toBe("noindex, nofollow");
      expect(response.headers.get("x-request-id"), path).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get("x-powered-by"), path).toBeNull();
    }
  });

  it("the nonce is new on each answer and is the one on the page's scripts", async () => {
    const [a, b] = [await jar.fetch(`${web.url}/`), await jar.fetch(`${web.url}/`)];
    const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    const html = await a.text();
    const scriptNonces = new Set([...html.matchAll(/<script[^>]*nonce="([^"]+)"/g)].map((m) => m[1]));
    expect([...scriptNonces]).toEqual([nonceOf(a)]);
  });

  it("/health answers 200 JSON with release and commit, and touches no API", async () => {
    api.requests.length = 0;
    const response = await jar.fetch(`${web.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", app: "threads-web", release: null, commit: null });
    expect(api.requests).toEqual([]);
  });

  it("keeps Heroku's request id and logs one JSON line per request with it", async () => {
    await jar.fetch(`${web.url}/signin?code=secret-code`, { headers: { "x-request-id": "heroku-request-0001" } });
    const line = await web.waitFor((l) => l.request_id === "heroku-request-0001" && l.msg === "request completed");
    expect(line).toMatchObject({ level: "info", app: "threads-web", res: { statusCode: 200 }, req: { method: "GET", url: "/signin?code=REDACTED" } });
  });
});

describe("same-site proxying", () => {
  it("with API_SAME_SITE_PROXY=true, /api/* is served by the API on this host and sign-in stays on the site", async () => {
    const proxied = await startWeb(api.url, { API_SAME_SITE_PROXY: "true" });
    try {
      const health = await fetch(`${proxied.url}/api/v1/me`);
      expect(health.status).toBe(401);
      expect(await health.json()).toEqual({ error: "unauthenticated", message: "stub: unauthenticated" });
      expect(health.headers.get("x-content-type-options")).toBe("nosniff");
      const signin = await (await fetch(`${proxied.url}/signin`)).text();
      expect(signin).toContain('href="/api/v1/auth/threads/login?return_to=%2Fdashboard"');
    } finally {
      await proxied.stop();
    }
    // Off by default: /api/* is this site's 404.
    expect((await fetch(`${web.url}/api/v1/me`)).status).toBe(404);
  });
});
