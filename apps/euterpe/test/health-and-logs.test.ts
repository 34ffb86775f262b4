/** /health answers 200 or 503 within its budget; logs are JSON lines with request ids and no secrets. */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fernet } from "../src/fernet.js";
import { SESSION_COOKIE } from "../src/session.js";
import { ALICE, Browser, CLIENT_SECRET, KEY_A, logIn, startApp, startSuite, type Suite } from "./support/harness.js";

describe("/health", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("health", [ALICE]);
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("answers 200 with who is logged in", async () => {
    const app = await startApp({ env: suite.env() });
    try {
      const anonymous = await fetch(`${app.url}/health`);
      expect(anonymous.status).toBe(200);
      expect(await anonymous.json()).toEqual({ status: "healthy", authenticated: false, user: null });
      const browser = new Browser(app.url);
      await logIn(browser, suite.fake, ALICE);
      expect(await (await browser.get("/health")).json()).toEqual({ status: "healthy", authenticated: true, user: "Alice Liddell" });
    } finally {
      await app.close();
    }
  });

  it("answers 503 naming the database when it refuses connections", async () => {
    const app = await startApp({ env: suite.env({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" }) });
    try {
      const response = await fetch(`${app.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "unhealthy", failed: ["database"], authenticated: false });
      const dbCheck = await fetch(`${app.url}/db_check`);
      expect(dbCheck.status).toBe(503);
      expect(await dbCheck.json()).toMatchObject({ status: "error", failed: ["database"] });
    } finally {
      await app.close();
    }
  });

  it("answers 503 within about a second when the database accepts but never answers", async () => {
    const sockets = new Set<Socket>();
    const blackHole: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const port = (blackHole.address() as AddressInfo).port;
    const app = await startApp({ env: suite.env({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/silent` }) });
    try {
      const started = performance.now();
      const response = await fetch(`${app.url}/health`);
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unhealthy", failed: ["database"], authenticated: false, user: null });
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(2500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await app.close();
      blackHole.close();
    }
  });
});

describe("logs", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("logs", [ALICE]);
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("are JSON lines with a request id and never carry tokens, codes, cookies or the database password", async () => {
    const lines: string[] = [];
    const databaseUrl = new URL(suite.db.url);
    databaseUrl.password = "s3cret-db-password"; // the test server trusts local connections and ignores it
    suite.fake.accessTokenLifetimeSeconds = 60; // so the dashboard refreshes and the refresh path logs too
    const app = await startApp({
      env: suite.env({ DATABASE_URL: databaseUrl.toString(), LOG_LEVEL: "trace" }),
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    const browser = new Browser(app.url);
    let code = "";
    let state = "";
    try {
      const authorize = (await browser.get("/login/spotify")).headers.get("location") ?? "";
      const callback = await suite.fake.approve(authorize, ALICE.id);
      code = callback.searchParams.get("code") ?? "";
      state = callback.searchParams.get("state") ?? "";
      expect((await browser.get(`${callback.pathname}${callback.search}`)).status).toBe(302);
      expect((await browser.get("/")).status).toBe(200);
      await browser.request("GET", "/", { headers: { "x-request-id": "heroku-router-req-12345678" } });
      await browser.get("/health");
    } finally {
      await app.close();
    }

    const { rows } = await suite.db.query<{ a: string; r: string }>("SELECT access_token_encrypted AS a, refresh_token_encrypted AS r FROM euterpe.user_tokens");
    const secrets = [
      code,
      state,
      "s3cret-db-password",
      CLIENT_SECRET,
      browser.cookie(SESSION_COOKIE) ?? "missing cookie",
      new Fernet(KEY_A).decrypt(rows[0]?.a ?? "").toString(),
      new Fernet(KEY_A).decrypt(rows[0]?.r ?? "").toString(),
    ];
    expect(lines.length).toBeGreaterThan(5);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);

    const requestLines = entries.filter((entry) => entry.msg === "request completed");
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    for (const entry of requestLines) expect(entry.request_id).toEqual(expect.any(String));
    expect(requestLines.some((entry) => entry.request_id === "heroku-router-req-12345678")).toBe(true);
    // Uptime checks hit /health all day: its lines are at debug, every other request's at info.
    const byPath = (path: string) => requestLines.filter((entry) => (entry.req as { url: string }).url === path).map((entry) => entry.level);
    expect(byPath("/health")).toEqual(["debug"]);
    expect(byPath("/")).toEqual(["info", "info"]);
    expect(entries.some((entry) => entry.msg === "user logged in")).toBe(true);
    expect(entries.some((entry) => entry.msg === "refreshing Spotify token")).toBe(true);
    const callbackLine = requestLines.find((entry) => String((entry.req as { url: string }).url).startsWith("/callback"));
    expect((callbackLine?.req as { url: string }).url).toContain("code=REDACTED");
  });
});
