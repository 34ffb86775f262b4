/**
 * What a client meets at the edges: the rate limit per client (health
 * exempt), a database outage answered with 503 and Retry-After quickly, as a
 * page for a person, and the app's own failure answered with a 500 page that
 * hides the detail it logs.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, Browser, logIn, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

const asPerson = { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } };

describe("rate limit per client", () => {
  let suite: Suite;
  let app: RunningApp;

  beforeAll(async () => {
    suite = await startSuite("ratelimit");
    app = await startApp({ env: suite.env({ RATE_LIMIT_PER_MINUTE: "4" }) });
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  it("answers 429 with Retry-After past the limit, counts each signed-in user apart, and never limits /health", async () => {
    const alice = new Browser(app.url);
    const bob = new Browser(app.url);
    // Logging in costs each browser two requests (/login/spotify and /callback) while anonymous.
    await logIn(alice, suite.fake, ALICE);
    await expect(logIn(bob, suite.fake, BOB)).resolves.toMatchObject({ status: 302 });

    const alicePages = [];
    for (let i = 0; i < 5; i++) alicePages.push(await alice.get("/"));
    expect(alicePages.map((page) => page.status)).toEqual([200, 200, 200, 200, 429]);
    const limited = alicePages[4];
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited?.json()).toMatchObject({ error: "rate_limited" });

    const page = await alice.request("GET", "/", asPerson);
    expect(page.status).toBe(429);
    const text = await page.text();
    expect(text).toContain("Slow down a little");
    expect(text).toMatch(/Please wait \d+ s and try again\./);

    // Bob has his own budget; anonymous visitors share the address's, spent by the two logins.
    expect((await bob.get("/")).status).toBe(200);
    expect((await new Browser(app.url).get("/login")).status).toBe(429);

    for (let i = 0; i < 10; i++) expect((await alice.get("/health")).status).toBe(200);
  });
});

describe("database outage", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("outage", [ALICE]);
  });
  afterAll(async () => {
    await suite?.close();
  });

  /** A logged-in browser whose next requests go to an app started with `env`. */
  async function loggedInBrowserFor(overrides: Record<string, string>): Promise<{ browser: Browser; app: RunningApp }> {
    const healthy = await startApp({ env: suite.env() });
    const browser = new Browser(healthy.url);
    await logIn(browser, suite.fake, ALICE);
    await healthy.close();
    const app = await startApp({ env: suite.env(overrides) });
    browser.baseUrl = app.url;
    return { browser, app };
  }

  it("answers the dashboard with 503 and Retry-After when the database refuses connections: a page for a person, JSON otherwise", async () => {
    const { browser, app } = await loggedInBrowserFor({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" });
    try {
      const page = await browser.request("GET", "/", asPerson);
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBe("5");
      const text = await page.text();
      expect(text).toContain("Our database is not answering right now.");
      expect(text).toContain('href="/">Try again</a>');
      const json = await browser.get("/");
      expect(json.status).toBe(503);
      expect(await json.json()).toMatchObject({ error: "database_unavailable" });
    } finally {
      await app.close();
    }
  });

  it("gives up waiting for a database that accepts but never answers within the pool's connection timeout", async () => {
    const sockets = new Set<Socket>();
    const blackHole: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const port = (blackHole.address() as AddressInfo).port;
    const { browser, app } = await loggedInBrowserFor({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/silent` });
    try {
      const started = performance.now();
      const page = await browser.request("GET", "/", asPerson);
      const elapsed = performance.now() - started;
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBe("5");
      // The pool's 2 s connection timeout, not the 5 s default nor the router's 30 s.
      expect(elapsed).toBeLessThan(4_500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await app.close();
      blackHole.close();
    }
  });

  it("answers the app's own failure (a table missing) with a 500 page offering Try again, logged once as an error, its detail never shown", async () => {
    const lines: Record<string, unknown>[] = [];
    const healthy = await startApp({ env: suite.env() });
    const browser = new Browser(healthy.url);
    await logIn(browser, suite.fake, ALICE);
    await healthy.close();
    // The schema has no tables: every query of the dashboard fails with Postgres's "relation does not exist".
    const app = await startApp({
      env: suite.env({ DATABASE_SCHEMA: "euterpe_without_tables", LOG_LEVEL: "info" }),
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    browser.baseUrl = app.url;
    try {
      const page = await browser.request("GET", "/", asPerson);
      expect(page.status).toBe(500);
      expect(page.headers.get("content-type")).toContain("text/html");
      const text = await page.text();
      expect(text).toContain("Something went wrong on our side. Please try again.");
      expect(text).toContain('href="/">Try again</a>');
      expect(text).not.toContain("does not exist");
      const json = await browser.get("/");
      expect(json.status).toBe(500);
      const body = await json.text();
      expect(JSON.parse(body)).toEqual({ error: "internal_error", message: "Something went wrong on our side. Please try again." });
      expect(body).not.toContain("does not exist");
      const errors = lines.filter((line) => line.level === "error");
      expect(errors).toHaveLength(2);
      expect(JSON.stringify(errors[0])).toContain("does not exist");
    } finally {
      await app.close();
    }
  });
});
