/** The pure parts: environment, security headers, cookies, return paths, list queries, the API client's outcomes. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadEnv } from "../src/env.js";
import { callApi } from "../src/lib/api/client.js";
import { meSchema } from "../src/lib/api/schemas.js";
import { applySetCookies, hasSessionCookie, parseCookieHeader } from "../src/lib/cookies.js";
import { excerpt, externalHref } from "../src/lib/format.js";
import { flaggedQuerySchema, listingHref, parseListingQuery, postsQuerySchema } from "../src/lib/listing-query.js";
import { safeReturnTo, withReturnTo } from "../src/lib/return-to.js";
import { securityHeaders } from "../src/lib/security-headers.js";

const base = { APP_ENV: "production", SITE_URL: "https://app.example.com/", NEXT_PUBLIC_API_BASE_URL: "https://api.example.com" };

describe("environment", () => {
  it("reads fleet's values, trims the trailing slash, defaults the rest", () => {
    const env = loadEnv(base);
    expect(env).toMatchObject({ SITE_URL: "https://app.example.com", PORT: 3000, NODE_ENV: "production", LOG_LEVEL: "info", API_SAME_SITE_PROXY: false });
    expect(loadEnv({ ...base, API_SAME_SITE_PROXY: "true" }).API_SAME_SITE_PROXY).toBe(true);
  });

  it("names every bad variable at once, never its value", () => {
    let message = "";
    try {
      loadEnv({ APP_ENV: "prod", SITE_URL: "ftp://x", PORT: "http" });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ["APP_ENV", "SITE_URL", "NEXT_PUBLIC_API_BASE_URL", "PORT"]) expect(message).toContain(name);
    expect(message).not.toContain("ftp://x");
  });
});

describe("security headers", () => {
  const options = { apiOrigin: "https://api.example.com", nonce: "abc", indexable: true, https: true };

  it("allow exactly the API origin to be connected to, and no framing", () => {
    const headers = securityHeaders(options);
    const csp = headers["content-security-policy"]!.split("; ");
    expect(csp).toContain("connect-src 'self' https://api.example.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("upgrade-insecure-requests");
    expect(headers["x-robots-tag"]).toBeUndefined();
    expect(headers["strict-transport-security"]).toContain("max-age=63072000");
  });

  it("say noindex outside production, and allow eval only to next dev", () => {
    const headers = securityHeaders({ ...options, indexable: false, https: false, devServer: true });
    expect(headers["x-robots-tag"]).toBe("noindex, nofollow");
    expect(headers["content-security-policy"]).toContain("'unsafe-eval'");
    expect(headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    expect(securityHeaders(options)["content-security-policy"]).not.toContain("unsafe-eval");
  });
});

describe("cookies", () => {
  it("parse a Cookie header and know a session when they see one", () => {
    expect([...parseCookieHeader("a=1; threads_refresh=r.x=y; b")]).toEqual([
      ["a", "1"],
      ["threads_refresh", "r.x=y"],
    ]);
    expect(hasSessionCookie("a=1")).toBe(false);
    expect(hasSessionCookie("threads_access=z")).toBe(true);
  });

  it("apply Set-Cookie lines as the browser would, deletions included", () => {
    const renewed = applySetCookies("threads_access=old; other=1", [
      "threads_access=new; Path=/; HttpOnly",
      "threads_refresh=r2; Max-Age=2592000",
      "other=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]);
    expect(renewed).toBe("threads_access=new; threads_refresh=r2");
  });
});

describe("return paths", () => {
  it("keep paths on this site and nothing else", () => {
    expect(safeReturnTo("/flagged?page=2")).toBe("/flagged?page=2");
    for (const bad of [null, "", "https://evil.example", "//evil.example", "/\\evil.example", "dashboard", "/x\r\nSet-Cookie: a=b", "/".padEnd(600, "a")]) {
      expect(safeReturnTo(bad), String(bad)).toBe("/dashboard");
    }
    expect(withReturnTo("/signin", "/a?b=c")).toBe("/signin?return_to=%2Fa%3Fb%3Dc");
  });
});

describe("list queries", () => {
  it("default, validate and name the wrong parameter", () => {
    expect(parseListingQuery(postsQuerySchema, new URLSearchParams(""))).toEqual({ ok: true, value: { sort: "score", order: "desc", page: 1 } });
    expect(parseListingQuery(postsQuerySchema, { sort: ["recent", "score"], page: "3", extra: "ignored" })).toEqual({
      ok: true,
      value: { sort: "recent", order: "desc", page: 3 },
    });
    expect(parseListingQuery(postsQuerySchema, new URLSearchParams("order=up"))).toEqual({ ok: false, parameter: "order" });
    expect(parseListingQuery(flaggedQuerySchema, new URLSearchParams("page=-1"))).toEqual({ ok: false, parameter: "page" });
    expect(parseListingQuery(flaggedQuerySchema, new URLSearchParams("page=1e3"))).toEqual({ ok: false, parameter: "page" });
  });

  it("build short links, leaving defaults out", () => {
    const defaults = { sort: "score", order: "desc", page: 1 };
    expect(listingHref("/dashboard", defaults, defaults)).toBe("/dashboard");
    expect(listingHref("/dashboard", { ...defaults, page: 2, order: "asc" }, defaults)).toBe("/dashboard?order=asc&page=2");
  });
});

describe("formatting", () => {
  it("cuts long texts at a word and only links https", () => {
    expect(excerpt("one two three four", 14)).toBe("one two three…");
    expect(excerpt("abcdefghij klm", 10)).toBe("abcdefghij…");
    expect(excerpt("  short\n text ")).toBe("short text");
    expect(externalHref("https://www.threads.net/p/1")).toBe("https://www.threads.net/p/1");
    expect(externalHref("javascript:alert(1)")).toBeUndefined();
    expect(externalHref("http://plain.example")).toBeUndefined();
    expect(externalHref(null)).toBeUndefined();
  });
});

describe("the API client", () => {
  async function withApi(handler: http.RequestListener, run: (url: string) => Promise<void>): Promise<void> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
  const request = { path: "/api/v1/me", cookie: "threads_access=t", requestId: "req-00000001", schema: meSchema };

  it("maps each kind of answer to an outcome the pages handle", async () => {
    const answers: [number, unknown, Record<string, string>][] = [
      [401, { error: "token_expired", message: "expired" }, {}],
      [503, { error: "database_unavailable", message: "down" }, { "retry-after": "12" }],
      [429, { error: "rate_limited", message: "slow down" }, {}],
      [400, { error: "invalid_sort", message: "sort must be…" }, {}],
      [200, { id: "only-an-id" }, {}],
    ];
    let index = 0;
    const seen: http.IncomingHttpHeaders[] = [];
    await withApi(
      (req, res) => {
        seen.push(req.headers);
        const [status, body, headers] = answers[index++]!;
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      },
      async (url) => {
        const target = { baseUrl: url, siteOrigin: "https://app.example.com" };
        expect(await callApi(target, request)).toEqual({ ok: false, kind: "unauthenticated", code: "token_expired", setCookies: [] });
        expect(await callApi(target, request)).toMatchObject({ ok: false, kind: "unavailable", retryAfterSeconds: 12 });
        expect(await callApi(target, request)).toMatchObject({ ok: false, kind: "unavailable", reason: "GET /api/v1/me: 429 rate_limited" });
        expect(await callApi(target, request)).toEqual({ ok: false, kind: "rejected", status: 400, code: "invalid_sort", message: "sort must be…" });
        expect(await callApi(target, request)).toMatchObject({ ok: false, kind: "unavailable", reason: "GET /api/v1/me: unexpected answer (username)" });
        expect(seen[0]).toMatchObject({ cookie: "threads_access=t", "x-request-id": "req-00000001", accept: "application/json" });
        expect(seen[0]?.origin).toBeUndefined();
      },
    );
  });

  it("sends this site's Origin on writes and relays Set-Cookie; gives up on a slow API", async () => {
    await withApi(
      (req, res) => {
        if (req.url === "/slow") return void setTimeout(() => res.end("{}"), 1_000);
        res.writeHead(204, { "set-cookie": ["threads_access=; Max-Age=0", "threads_refresh=; Max-Age=0"], "x-origin": String(req.headers.origin) });
        res.end();
      },
      async (url) => {
        const target = { baseUrl: url, siteOrigin: "https://app.example.com", timeoutMs: 200 };
        const logout = await callApi(target, { ...request, method: "POST", path: "/api/v1/auth/logout", schema: null });
        expect(logout).toEqual({ ok: true, data: undefined, setCookies: ["threads_access=; Max-Age=0", "threads_refresh=; Max-Age=0"] });
        expect(await callApi(target, { ...request, path: "/slow", schema: z.object({}) })).toMatchObject({ kind: "unavailable", reason: "GET /slow: timed out" });
      },
    );
    expect(await callApi({ baseUrl: "http://127.0.0.1:9", siteOrigin: "x" }, request)).toMatchObject({ kind: "unavailable", reason: "GET /api/v1/me: could not connect" });
  });
});
