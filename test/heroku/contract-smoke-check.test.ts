/**
 * The smoke check after a release, against a local HTTP server standing in
 * for the app (and the API double for the app's config vars, which are
 * masked in what the check reports): 200 at once, 503 then 200, never 200,
 * no answer, a redirect, a refused connection, an old release still
 * answering; progress logged while waiting; a new release checks again, the
 * same one does not.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setLogSink } from "../../components/heroku/log";
import type { HerokuDouble } from "../heroku-double/index";
import { checkFailures, createResource, diffResource, readResource, updateResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

/** A config var of the app that its error page leaks: it must never reach the message. */
const LEAKED = "sk_live_app-secret-0123456789abcdef";

let heroku: HerokuDouble;
let appId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "smoke-app", configVars: { STRIPE_KEY: LEAKED } }).id;
});

/** What the stand-in app answers to its n-th request (1-based); `hang` never answers. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";
let answer: (n: number) => Answer = () => ({ status: 200, body: "{}" });
let hits = 0;
let server: Server;
let base = "";
const lines: string[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits++;
    const a = answer(hits);
    if (a === "hang") return;
    res.writeHead(a.status, { "Content-Type": "application/json", ...(a.headers ?? {}) });
    res.end(a.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  // Polls every 20 ms: a second-long check makes a few dozen requests.
  process.env["FLEET_HEROKU_POLL_MS"] = "20";
  process.env["FLEET_HEROKU_LOG"] = "info";
  hits = 0;
  lines.length = 0;
  setLogSink((_level, line) => lines.push(line));
});
afterEach(() => {
  setLogSink(undefined);
  server.closeAllConnections();
});

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { app: appId, url: base, path: "/health", releaseId: "rel-1", releaseVersion: 7, timeoutSeconds: 1, ...overrides };
}

describe("SmokeCheck", () => {
  it("passes on a 200 and records the release the body names", async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ status: "ok", release: "v7" }) });
    const check = await createResource("smokeCheck", inputs());
    expect(check.outputs).toMatchObject({ status: 200, answeredRelease: "v7", releaseId: "rel-1", url: base, path: "/health" });
    expect(hits).toBe(1);
    expect(await readResource(check)).toEqual({ id: check.id, props: check.outputs });
  });

  it("waits through 503s, logging progress, until the app answers 200", async () => {
    answer = (n) => (n <= 3 ? { status: 503, body: '{"status":"unhealthy","failed":["database"]}' } : { status: 200, body: "{}" });
    const check = await createResource("smokeCheck", inputs({ timeoutSeconds: 30 }));
    expect(check.outputs["status"]).toBe(200);
    expect(hits).toBe(4);
    expect(lines.some((l) => /waiting for http:\/\/127\.0\.0\.1:\d+\/health to answer 200 after release v7: 503 Service Unavailable/.test(l))).toBe(true);
    expect(lines.some((l) => /answered 200 after/.test(l))).toBe(true);
  });

  it("fails with the last status and the start of the body, the app's secrets masked, when 200 never comes", async () => {
    const page = `<h1>Application error</h1><p>${LEAKED}</p>${"x".repeat(2000)}`;
    answer = () => ({ status: 503, body: page, headers: { "Content-Type": "text/html" } });
    const failure = createResource("smokeCheck", inputs());
    await expect(failure).rejects.toThrow(/did not answer 200 within 1 s after release v7; the last attempt got 503 Service Unavailable/);
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain("Body (first 500 characters): <h1>Application error</h1>");
    expect(message).not.toContain(LEAKED);
    // Masked because it is one of the app's config-var values, read once the check has failed.
    expect(message).toContain("<p>[redacted]</p>");
    expect(heroku.requests.filter((r) => r.path === `/apps/${appId}/config-vars`)).toHaveLength(1);
    expect(message).not.toContain("x".repeat(600));
    expect(message).toMatch(/pulumi up` again/);
    expect(hits).toBeGreaterThan(1);
  });

  it("gives up on an app that never answers, naming the timeout", async () => {
    answer = () => "hang";
    await expect(createResource("smokeCheck", inputs())).rejects.toThrow(/did not answer 200 within 1 s .*no answer within/);
  });

  it("does not follow a redirect: the health path must answer 200 itself", async () => {
    answer = () => ({ status: 302, body: "", headers: { Location: "https://login.example.com/?next=/health" } });
    const failure = createResource("smokeCheck", inputs());
    await expect(failure).rejects.toThrow(/302 Found → https:\/\/login\.example\.com\/\?next=\/health.*Redirects are not followed/);
  });

  it("names a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(createResource("smokeCheck", inputs({ url: `http://127.0.0.1:${port}` }))).rejects.toThrow(/ECONNREFUSED/);
  });

  it("keeps waiting while a dyno of the old release answers, and says so if the new one never does", async () => {
    answer = (n) => ({ status: 200, body: JSON.stringify({ status: "ok", release: n <= 2 ? "v6" : "v7" }) });
    const check = await createResource("smokeCheck", inputs({ timeoutSeconds: 30 }));
    expect(check.outputs["answeredRelease"]).toBe("v7");
    expect(hits).toBe(3);
    expect(lines.some((l) => l.includes("200 from the old release v6"))).toBe(true);

    answer = () => ({ status: 200, body: JSON.stringify({ release: "v6" }) });
    await expect(createResource("smokeCheck", inputs())).rejects.toThrow(/It answered for the old release v6/);
  });

  it("checks again for a new release or URL, records a new timeout without a request, never replaces", async () => {
    answer = () => ({ status: 200, body: "{}" });
    const check = await createResource("smokeCheck", inputs());
    expect((await diffResource(check, inputs())).changes).toBe(false);
    expect(await diffResource(check, inputs({ releaseId: "rel-2", releaseVersion: 8 }))).toMatchObject({ changes: true, replaces: [] });

    hits = 0;
    await updateResource(check, inputs({ timeoutSeconds: 60 }));
    expect(hits).toBe(0);
    expect(check.outputs["timeoutSeconds"]).toBe(60);

    await updateResource(check, inputs({ releaseId: "rel-2", releaseVersion: 8, timeoutSeconds: 60 }));
    expect(hits).toBe(1);
    expect(check.outputs["releaseId"]).toBe("rel-2");

    answer = () => ({ status: 500, body: "boom" });
    await expect(updateResource(check, inputs({ releaseId: "rel-3", releaseVersion: 9 }))).rejects.toThrow(/500 Internal Server Error.*Body: boom/);
    expect(check.outputs["releaseId"]).toBe("rel-2");
  });

  it("refuses a URL with a path or credentials, and a path without a slash", async () => {
    expect(await checkFailures("smokeCheck", inputs({ url: "https://user:pw@example.com" }))).toEqual([
      { property: "url", reason: expect.stringMatching(/not a base URL/) },
    ]);
    expect((await checkFailures("smokeCheck", inputs({ url: "https://example.com/app", path: "health" }))).map((f) => f.property)).toEqual(["url", "path"]);
    expect(heroku.violations).toEqual([]);
  });
});
