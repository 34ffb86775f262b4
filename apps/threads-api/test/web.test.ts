/**
 * What every answer of the web process does, whoever calls: CORS for the
 * allowed origins only, rate limits per user and per IP counted in Redis
 * (health checks exempt), JSON errors for API clients and pages for people,
 * and /health naming what failed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, signIn, startApp, startSuite, testEnv, WEB_ORIGIN, type RunningApp, type Suite } from "./support/harness.js";

let suite: Suite;
let app: RunningApp;

beforeAll(async () => {
  suite = await startSuite("web");
  app = await startApp({ env: suite.env() });
});
afterAll(async () => {
  await app?.close();
  await suite?.close();
});

describe("CORS", () => {
  it("echoes an allowed origin with credentials, on preflight and on the request", async () => {
    const preflight = await fetch(`${app.url}/api/v1/me`, {
      method: "OPTIONS",
      headers: { origin: WEB_ORIGIN, "access-control-request-method": "DELETE", "access-control-request-headers": "authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("DELETE");
    const request = await fetch(`${app.url}/api/v1/me`, { headers: { origin: WEB_ORIGIN } });
    expect(request.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(request.headers.get("vary")).toMatch(/origin/i);
  });

  it("gives any other origin no CORS headers at all", async () => {
    for (const origin of ["https://evil.example", "https://app.example.test.evil.example", "null"]) {
      const preflight = await fetch(`${app.url}/api/v1/me`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET" } });
      expect(preflight.headers.get("access-control-allow-origin"), origin).toBeNull();
      expect(preflight.headers.get("access-control-allow-credentials"), origin).toBeNull();
      const request = await fetch(`${app.url}/api/v1/me`, { headers: { origin } });
      expect(request.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });

  it("refuses a cookie-authenticated DELETE from another origin before touching anything", async () => {
    const user = new Browser(app.url, "https://evil.example");
    await signIn(user, suite.threads, "bob");
    const response = await user.delete("/api/v1/me");
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "origin_not_allowed" });
    const { rows } = await suite.db.query("SELECT 1 FROM threads_api.users WHERE username = 'bob'");
    expect(rows).toHaveLength(1);
  });
});

describe("rate limits", () => {
  it("count a signed-in caller per user and everyone else per IP, with Retry-After, never /health", async () => {
    const limitedApp = await startApp({ env: suite.env({ RATE_LIMIT_MAX: "5", RATE_LIMIT_WINDOW_SECONDS: "60", REDIS_KEY_PREFIX: `${suite.redis.prefix}limited:` }) });
    try {
      await expectLimits(limitedApp);
    } finally {
      await limitedApp.close();
    }
  });

  async function expectLimits(limitedApp: RunningApp): Promise<void> {
    const prefix = `${suite.redis.prefix}limited:ratelimit:`;
    const user = new Browser(limitedApp.url, WEB_ORIGIN);
    // Sign-in itself spends two of the IP's five.
    await signIn(user, suite.threads, "alice");
    for (let index = 0; index < 5; index++) expect((await user.get("/api/v1/me")).status).toBe(200);
    const limited = await user.get("/api/v1/me");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });

    // The IP has spent only what anonymous requests cost; the user's bucket is separate.
    for (let index = 0; index < 3; index++) expect((await fetch(`${limitedApp.url}/api/v1/me`)).status).toBe(401);
    expect((await fetch(`${limitedApp.url}/api/v1/me`)).status).toBe(429);
    for (let index = 0; index < 20; index++) expect((await fetch(`${limitedApp.url}/health`)).status).toBe(200);

    const keys = (await suite.redis.keys()).filter((key) => key.startsWith(prefix));
    expect(keys.map((key) => key.slice(prefix.length).replace(/[0-9a-f-]{36}/, "<id>")).sort()).toEqual(["ip:127.0.0.1", "user:<id>"]);
    for (const key of keys) expect(await suite.redis.raw.pttl(key)).toBeGreaterThan(0);
  }
});

describe("errors", () => {
  it("answers JSON under /api and a page for a person elsewhere", async () => {
    const api = await fetch(`${app.url}/api/v1/nope`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: "not_found", message: expect.stringContaining("/api/v1/nope") });
    const page = await fetch(`${app.url}/nope`, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Page not found");
  });

  it("refuses bodies over the limit with a 413", async () => {
    const response = await fetch(`${app.url}/api/v1/auth/logout`, {
      method: "POST",
      headers: { origin: WEB_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(20_000) }),
    });
    expect(response.status).toBe(413);
  });
});

describe("/health", () => {
  it("is 200 when Postgres and Redis answer, 503 naming Redis when it does not", async () => {
    expect(await (await fetch(`${app.url}/health`)).json()).toMatchObject({ status: "ok", checks: { database: "ok", redis: "ok" } });
    const noRedis = await startApp({ env: testEnv({ ...suite.services, redisUrl: "redis://127.0.0.1:9" }) });
    try {
      const response = await fetch(`${noRedis.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "unhealthy", failed: ["redis"] });
    } finally {
      await noRedis.close();
    }
  });
});
