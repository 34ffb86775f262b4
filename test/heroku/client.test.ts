/**
 * The Heroku client against the local double (and, where the double cannot
 * misbehave in the needed way, a tiny purpose server): headers, pagination,
 * retries with back-off, proactive slow-down, safe resending of creates,
 * error messages and redaction.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { herokuClient, herokuStats, resetHerokuStats } from "../../components/heroku/client";
import { isHerokuApiError } from "../../components/heroku/errors";
import { setLogSink } from "../../components/heroku/log";
import { appSchema, configVarsSchema } from "../../components/heroku/schemas";
import type { HerokuDouble } from "../heroku-double/index";
import { FAST_ENV, startDouble } from "./scenario";

let heroku: HerokuDouble;
const savedEnv = { ...process.env };

beforeAll(async () => {
  heroku = await startDouble({ maxPageSize: 2 });
});
afterAll(async () => {
  expect(heroku.violations).toEqual([]);
  await heroku.close();
  process.env = savedEnv;
});
beforeEach(() => {
  // Settings one test changes (deadline, attempts) must not reach the next.
  for (const key of Object.keys(process.env)) {
    if (key.startsWith("FLEET_HEROKU_") && !(key in savedEnv)) delete process.env[key];
  }
  Object.assign(process.env, heroku.env, FAST_ENV);
  heroku.faults.clear();
  heroku.clearRequests();
  resetHerokuStats();
});
afterEach(() => setLogSink(undefined));

async function caught(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("expected a failure");
}

describe("configuration", () => {
  it("fails naming HEROKU_API_KEY and how to create a token when none is set", () => {
    delete process.env.HEROKU_API_KEY;
    expect(() => herokuClient()).toThrow(/HEROKU_API_KEY is not set.*heroku authorizations:create/s);
  });

  it("sends the version-3 Accept header, the token, a User-Agent and a Request-Id", async () => {
    heroku.seed.app({ name: "headers-app" });
    await herokuClient().get("/apps/headers-app", appSchema());
    const [request] = heroku.requests;
    expect(request?.auth).toBe("bearer");
    expect(request?.headers["accept"]).toBe("application/vnd.heroku+json; version=3");
    expect(request?.headers["user-agent"]).toMatch(/^fleet-heroku-provider\//);
    expect(request?.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("pagination", () => {
  it("follows Next-Range until the list is complete", async () => {
    for (const n of [1, 2, 3, 4, 5]) heroku.seed.app({ name: `page-app-${n}` });
    const apps = await herokuClient().list("/apps", appSchema());
    expect(apps.map((a) => a.name).filter((n) => n.startsWith("page-app-")).sort()).toEqual(
      ["page-app-1", "page-app-2", "page-app-3", "page-app-4", "page-app-5"],
    );
    const ranges = heroku.requests.map((r) => r.headers["range"]);
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    expect(ranges[0]).toBe("id ..; max=1000");
    expect(ranges.slice(1).every((r) => r?.startsWith("id ]"))).toBe(true);
  });
});

describe("retries", () => {
  beforeAll(() => {
    heroku.seed.app({ name: "retry-app" });
  });

  it("retries 429 with exponential back-off from the rate-limit base", async () => {
    process.env.FLEET_HEROKU_RATE_LIMIT_BASE_MS = "20";
    heroku.faults.queue([429, 429], { path: "/apps/retry-app" });
    const started = Date.now();
    const app = await herokuClient().get("/apps/retry-app", appSchema());
    expect(app.name).toBe("retry-app");
    expect(herokuStats().retries).toBe(2);
    // 20 ms then 40 ms, each ±25 %.
    expect(Date.now() - started).toBeGreaterThanOrEqual(44);
  });

  it.each([[500], [503]] as const)("retries a %i", async (status) => {
    heroku.faults.inject(status, { path: "/apps/retry-app" });
    await expect(herokuClient().get("/apps/retry-app", appSchema())).resolves.toMatchObject({ name: "retry-app" });
    expect(herokuStats().retries).toBe(1);
  });

  it("retries a connection reset and a timeout", async () => {
    // A timeout far above a normal answer's time even on a loaded machine, so
    // only the slow fault times out.
    process.env.FLEET_HEROKU_REQUEST_TIMEOUT_MS = "1000";
    heroku.faults.queue(["drop", "slow"], { path: "/apps/retry-app" });
    heroku.faults.active.forEach((rule) => Object.assign(rule, { delayMs: 4000 }));
    await expect(herokuClient().get("/apps/retry-app", appSchema())).resolves.toMatchObject({ name: "retry-app" });
    expect(herokuStats().retries).toBe(2);
  });

  it("gives up after the attempt budget, naming the attempts", async () => {
    process.env.FLEET_HEROKU_MAX_ATTEMPTS = "3";
    heroku.faults.inject(503, { path: "/apps/retry-app", times: 10 });
    const error = await caught(() => herokuClient().get("/apps/retry-app", appSchema()));
    expect(error.message).toMatch(/GET \/apps\/retry-app answered 503 service_unavailable: .* after 3 attempts \(Request-Id: [0-9a-f-]{36}\)/);
  });

  it("stops at the overall deadline", async () => {
    process.env.FLEET_HEROKU_DEADLINE_MS = "60";
    process.env.FLEET_HEROKU_RETRY_BASE_MS = "25";
    heroku.faults.inject(500, { path: "/apps/retry-app", times: 50 });
    const started = Date.now();
    await expect(herokuClient().get("/apps/retry-app", appSchema())).rejects.toThrow(/answered 500/);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("does not resend a create after an ambiguous failure when it cannot look the object up", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps" });
    const error = await caught(() => herokuClient().request("POST", "/apps", { body: { name: "blind-create" }, schema: appSchema() }));
    expect(error.message).toMatch(/POST \/apps got no answer .* not idempotent .* not resent/s);
    expect([...heroku.state.apps.values()].filter((a) => a.name === "blind-create")).toHaveLength(1);
  });

  it("resumes a create whose answer was lost by looking it up, instead of creating it twice", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps" });
    const api = herokuClient();
    const app = await api.request("POST", "/apps", {
      body: { name: "resumed-create" },
      schema: appSchema(),
      recover: () => api.find("/apps/resumed-create", appSchema()),
    });
    expect(app.name).toBe("resumed-create");
    expect(herokuStats().recoveries).toBe(1);
    expect([...heroku.state.apps.values()].filter((a) => a.name === "resumed-create")).toHaveLength(1);
    expect(heroku.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("resends a create refused with 429 (Heroku did not execute it)", async () => {
    heroku.faults.inject(429, { method: "POST", path: "/apps" });
    const app = await herokuClient().request("POST", "/apps", { body: { name: "limited-create" }, schema: appSchema() });
    expect(app.name).toBe("limited-create");
    expect(heroku.requests.filter((r) => r.method === "POST")).toHaveLength(2);
  });
});

describe("proactive slow-down", () => {
  it("spaces requests out at the refill rate while RateLimit-Remaining is low", async () => {
    const low = await startDouble({ rateLimit: { remaining: 20, refillPerMinute: 0 } });
    try {
      Object.assign(process.env, low.env, { FLEET_HEROKU_RATE_LIMIT_LOW: "50", FLEET_HEROKU_RATE_LIMIT_REFILL_MS: "15" });
      low.seed.app({ name: "slow-app" });
      const api = herokuClient();
      await api.get("/apps/slow-app", appSchema());
      const started = Date.now();
      for (let i = 0; i < 4; i++) await api.get("/apps/slow-app", appSchema());
      expect(herokuStats().slowDowns).toBeGreaterThanOrEqual(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 15);
    } finally {
      await low.close();
    }
  });
});

describe("errors", () => {
  it("name method, path, status, Heroku's id and message, and the Request-Id", async () => {
    heroku.seed.app({ name: "taken-name" });
    const error = await caught(() => herokuClient().request("POST", "/apps", { body: { name: "taken-name" }, schema: appSchema() }));
    const answered = heroku.requests.at(-1)?.requestId;
    expect(isHerokuApiError(error)).toBe(true);
    expect(error.message).toBe(`Heroku API POST /apps answered 422 invalid_params: Name is already taken (Request-Id: ${answered}).`);
    expect(error).toMatchObject({ status: 422, code: "invalid_params", requestId: answered });
    expect(error).not.toHaveProperty("id");
  });

  it("read JSON:API errors of the Scheduler back end", async () => {
    const error = await caught(() => herokuClient().get("/apps/not-a-uuid/jobs", z.unknown(), { host: "scheduler" }));
    expect(error.message).toMatch(/GET \/apps\/not-a-uuid\/jobs answered 404 not_found: Couldn't find that app/);
  });

  it("reject answers of an unexpected shape, naming the field", async () => {
    heroku.seed.app({ name: "shape-app" });
    const error = await caught(() => herokuClient().get("/apps/shape-app", z.object({ name: z.number() })));
    expect(error.message).toMatch(/GET \/apps\/shape-app answered 200 unexpected_response: .*name: invalid_type/);
  });
});

describe("redaction", () => {
  let server: Server;
  let base = "";
  const seen: string[] = [];

  beforeAll(async () => {
    // Echoes everything it received in a 422, as some APIs do in validation errors.
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen.push(body);
        if (req.url === "/config") {
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ DATABASE_URL: "postgres://u:dbpass-123@h:5432/d", PLAIN: "value-learned-secret" }));
          return;
        }
        const message = `invalid value ${body} (auth was ${req.headers.authorization}) at ${req.url}`;
        res.writeHead(422, { "Content-Type": "application/json", "Request-Id": "echo-1" }).end(JSON.stringify({ id: "invalid_params", message }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("masks request secrets, learned secrets, the token and URL credentials in errors and logs", async () => {
    process.env.HEROKU_API_URL = base;
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    process.env.FLEET_HEROKU_LOG = "debug";
    const api = herokuClient({ secrets: ["known-up-front-secret"] });
    const vars = await api.get("/config", configVarsSchema(), { secretResponse: true });
    expect(vars["PLAIN"]).toBe("value-learned-secret");
    const error = await caught(() =>
      api.request("PATCH", "/apps/x/config-vars?token=query-secret-1", {
        body: { A: "body-secret-value", B: "value-learned-secret", C: "known-up-front-secret", D: "redis://:inline-pass@host:1" },
        secrets: ["body-secret-value"],
        schema: z.unknown(),
      }),
    );
    const everything = [error.message, ...lines].join("\n");
    expect(seen.at(-1)).toContain("body-secret-value");
    for (const secret of ["body-secret-value", "value-learned-secret", "known-up-front-secret", "inline-pass", "query-secret-1", process.env.HEROKU_API_KEY ?? "?"]) {
      expect(everything).not.toContain(secret);
    }
    expect(error.message).toMatch(/PATCH \/apps\/x\/config-vars.* answered 422 invalid_params: invalid value .*\(Request-Id: echo-1\)/);
  });
});
