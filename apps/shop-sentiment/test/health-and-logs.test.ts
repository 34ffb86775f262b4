/**
 * /health says what the smoke check and the router need: 200 when Postgres
 * and Redis answer, 200 "degraded" without Redis (see cache.test.ts), 503
 * naming the database when it fails or hangs. Logs are JSON lines with a
 * request id and never carry a key, a cookie or the database password.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../src/security/session.js";
import { API_KEY_A, API_KEY_B, Browser, call, createProduct, csrfTokenIn, SESSION_KEY_A, startSuite, type Suite } from "./support/harness.js";

describe("/health", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("health");
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("answers 200 with every check and the release", async () => {
    const app = await suite.start({ HEROKU_RELEASE_VERSION: "v42" });
    const response = await call(app.url, "GET", "/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body).toEqual({ status: "ok", checks: { database: "ok", redis: "ok" }, failed: [], release: "v42" });
  });

  it("answers 503 naming the database when it refuses connections", async () => {
    const app = await suite.start({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" });
    const response = await call(app.url, "GET", "/health");
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: "unhealthy", checks: { database: "failed", redis: "ok" }, failed: ["database"] });
    const api = await call(app.url, "GET", "/api/v1/products");
    expect(api.status).toBe(503);
    expect(api.body.error).toBe("database_unavailable");
  });

  it("answers 503 when the database accepts connections but never answers", async () => {
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const port = (blackHole.address() as AddressInfo).port;
    try {
      const app = await suite.start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/silent` });
      const response = await call(app.url, "GET", "/health");
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: "unhealthy", failed: ["database"] });
    } finally {
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });
});

describe("logs", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("logs");
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("are JSON lines with a request id, and never carry keys, cookies, tokens or the database password", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
        done();
      },
    });
    const password = "pg-password-never-logged";
    const databaseUrl = suite.db.url.replace("postgres@", `postgres:${password}@`);
    const app = await suite.start({ LOG_LEVEL: "debug", DATABASE_URL: databaseUrl, API_KEYS: `${API_KEY_A},${API_KEY_B}` }, { logDestination: destination });

    const product = await createProduct(app.url, { name: "Logged" });
    await call(app.url, "POST", `/api/v1/products/${product.id}/reviews`, { headers: { "x-api-key": API_KEY_B }, body: { rating: 5, text: "fine" } });
    await call(app.url, "POST", "/api/v1/products", { key: "d".repeat(64), body: { name: "x" } });
    const browser = new Browser(app.url);
    const token = csrfTokenIn(await (await browser.get(`/products/${product.id}`)).text());
    await browser.postForm(`/products/${product.id}/reviews`, { _csrf: token, rating: "4", text: "via the form" });
    await call(app.url, "GET", "/health", { headers: { "x-request-id": "router-request-id-123" } });
    await app.close();

    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const completed = parsed.filter((line) => line.msg === "request completed");
    expect(completed.length).toBeGreaterThanOrEqual(5);
    for (const line of completed) expect(line.request_id).toEqual(expect.any(String));
    expect(completed.some((line) => line.request_id === "router-request-id-123")).toBe(true);
    expect(parsed.filter((line) => line.msg === "write with an API key").map((line) => line.apiKeyId)).toEqual([
      expect.stringMatching(/^[0-9a-f]{12}$/),
      expect.stringMatching(/^[0-9a-f]{12}$/),
    ]);

    const everything = lines.join("\n");
    for (const secret of [API_KEY_A, API_KEY_B, "d".repeat(64), token, browser.cookie(SESSION_COOKIE) as string, password, SESSION_KEY_A]) {
      expect(everything).not.toContain(secret);
    }
  });
});
