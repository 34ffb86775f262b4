/**
 * Everything the providers say — progress lines at debug level, retries,
 * thrown errors, what the provider host prints — across successful creates
 * and updates and across failures (failing builds and release phases, 4xx
 * answers that echo the request, timeouts), grepped for every secret value
 * in play. Zero hits.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import { setLogSink } from "../../components/heroku/log";
import { loadStub, secret, startEngineHarness } from "../engine/index";
import type { HerokuDouble } from "../heroku-double/index";
import {
  createFullApp,
  createResource,
  FAST_ENV,
  FULL_APP_SECRETS,
  injectFaultMix,
  makeAppSource,
  refreshFullApp,
  startDouble,
  updateResource,
} from "./scenario";

const said: string[] = [];
const secrets = new Set<string>();
let heroku: HerokuDouble;
let echo: Server;
let echoUrl = "";
const savedEnv = { ...process.env };
const originalWrite = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

/** Records what a failing call threw (message and stack). */
async function failing(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    said.push(error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error));
    return;
  }
  throw new Error("expected this call to fail");
}

beforeAll(async () => {
  heroku = await startDouble({}, { FLEET_HEROKU_LOG: "debug" });
  secrets.add(heroku.token);
  for (const value of Object.values(FULL_APP_SECRETS)) secrets.add(value);
  secrets.add("drain-PASSWORD-77");
  setLogSink((_level, line) => said.push(line));
  const capture = (chunk: unknown) => {
    said.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  // A server that answers every write with a 422 quoting the request it got, headers included.
  echo = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.url?.includes("leak-read")) {
        // As if the server quoted the value it holds in an error.
        res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ id: "internal_server_error", message: "boom near A=host-echoed-secret-55" }));
        return;
      }
      if (req.method === "GET") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(req.url?.endsWith("/config-vars") ? "{}" : "[]");
        return;
      }
      const message = `rejected ${req.method} ${req.url} with ${body} (authorization: ${req.headers.authorization})`;
      res.writeHead(422, { "Content-Type": "application/json", "Request-Id": "echo" }).end(JSON.stringify({ id: "invalid_params", message }));
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});

afterAll(async () => {
  process.stdout.write = originalWrite.out;
  process.stderr.write = originalWrite.err;
  setLogSink(undefined);
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  expect(heroku.violations).toEqual([]);
  await heroku.close();
  process.env = savedEnv;
});

describe("no secret leaves the providers", () => {
  it("through a full app created and refreshed under faults, with debug logging", async () => {
    injectFaultMix(heroku, 0.2);
    const app = await createFullApp("leak-app", makeAppSource({ marker: "leak" }));
    await refreshFullApp(app);
    heroku.faults.clear();
    for (const value of Object.values(heroku.state.configVars("leak-app"))) secrets.add(value);
    for (const addon of heroku.state.addonsOf("leak-app")) secrets.add(addon.resource.secret);

    // Rotating secrets: old and new values are both secret.
    const vars = app.byKind("configVars");
    secrets.add("rotated-session-secret-2");
    await updateResource(vars, { app: vars.inputs["app"], vars: { ...(vars.inputs["vars"] as object), SESSION_SECRET: "rotated-session-secret-2" } });
  });

  it("through failing builds and release phases whose output prints secrets", async () => {
    const appId = heroku.state.app("leak-app")?.id ?? "";
    const dbUrl = heroku.state.configVars("leak-app")["DATABASE_URL"] ?? "";
    heroku.control.failNextBuild({ app: "leak-app", message: `npm ERR! could not connect to ${dbUrl} with ${FULL_APP_SECRETS.apiToken}` });
    await failing(() => createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "b1" }) }));
    // The release phase runs with the current config: it can print the current (rotated) session secret.
    const session = heroku.state.configVars("leak-app")["SESSION_SECRET"] ?? "";
    heroku.control.failNextReleasePhase({ app: "leak-app", message: `Error: password authentication failed for ${dbUrl} (secret ${session})` });
    await failing(() => createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "b2" }) }));
  });

  it("through 4xx answers that quote the request, and timeouts", async () => {
    const fakeApp = "0f0f0f0f-0000-4000-8000-000000000000";
    process.env.HEROKU_API_URL = echoUrl;
    secrets.add("echoed-config-value-31");
    await failing(() => providers.configVars.create({ app: fakeApp, vars: { ECHOED: "echoed-config-value-31" } }));
    await failing(() => providers.drain.create({ app: fakeApp, url: FULL_APP_SECRETS.drainUrl }));
    Object.assign(process.env, heroku.env);

    process.env.FLEET_HEROKU_REQUEST_TIMEOUT_MS = "60";
    process.env.FLEET_HEROKU_MAX_ATTEMPTS = "2";
    heroku.faults.inject("slow", { method: "POST", path: "/apps/:app/log-drains", times: 5, delayMs: 300 });
    heroku.faults.inject("slow", { method: "GET", path: "/apps/:app/log-drains", times: 5, delayMs: 300 });
    const appId = heroku.state.app("leak-app")?.id ?? "";
    await failing(() => providers.drain.create({ app: appId, url: "https://user:timeout-drain-secret@logs.example.com/in" }));
    secrets.add("timeout-drain-secret");
    heroku.faults.clear();
    Object.assign(process.env, FAST_ENV, { FLEET_HEROKU_LOG: "debug" });
  });

  it("through Postgres credentials created and rotated", async () => {
    heroku.seed.app({ name: "leak-db-app" });
    const db = heroku.seed.addon({ app: "leak-db-app", plan: "heroku-postgresql:standard-0", attachmentName: "DATABASE" });
    const credential = await createResource("postgresCredential", { addon: db.id, name: "leaky", plan: "standard-0" });
    secrets.add(String(credential.outputs["password"]));
    await updateResource(credential, { addon: db.id, name: "leaky", plan: "standard-0", rotation: "r2" });
    secrets.add(String(credential.outputs["password"]));
  });

  it("through the provider host, which prints what providers throw", async () => {
    const engine = await startEngineHarness({ env: { ...heroku.env, ...FAST_ENV, FLEET_HEROKU_LOG: "debug", HEROKU_API_URL: echoUrl } });
    try {
      const provider = await loadStub("configVars");
      const vars = engine.resource(provider, "host-leak");
      secrets.add("host-echoed-secret-55");
      await failing(() => vars.up({ app: "0f0f0f0f-0000-4000-8000-000000000000", vars: secret({ HOST_SECRET: "host-echoed-secret-55" }) }));
      // A read whose error quotes a value the provider only knows from its state.
      await failing(() =>
        engine.read(provider, "config-vars:leak-read", { app: "leak-read", appId: "leak-read", keys: ["A"], vars: { A: "host-echoed-secret-55" }, unmanagedKeys: [] }),
      );
    } finally {
      said.push(engine.stdout, engine.stderr);
      await engine.close();
    }
  });

  it("finds none of the secrets in anything said", () => {
    const text = said.join("\n");
    expect(text.length).toBeGreaterThan(10_000);
    expect(text).toMatch(/retrying in/);
    expect(text).toMatch(/\[redacted\]/);
    const hits = [...secrets]
      .filter((value) => value.length >= 6)
      .flatMap((value) => [value, encodeURIComponent(value)])
      .filter((form) => text.includes(form));
    const context = hits.map((hit) => text.slice(Math.max(0, text.indexOf(hit) - 300), text.indexOf(hit) + 80)).join("\n---\n");
    expect(hits, `secrets found in:\n${context}`).toEqual([]);
  });
});
