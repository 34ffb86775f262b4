/**
 * The Heroku double's own rules: if these hold, a provider that passes
 * against the double has met the real API's shapes, rules and failure modes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";
import { call, record, records, type RawResponse } from "../heroku-double/fetch";
import { makeTarball, nodeApp, sha256Checksum } from "../heroku-double/source";

let heroku: HerokuDouble;

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 7 });
});
afterAll(async () => {
  await heroku.close();
});
afterEach(() => {
  heroku.faults.clear();
  expect(heroku.internalErrors).toEqual([]);
});

async function pollUntil(method: string, path: string, done: (r: RawResponse) => boolean, host: "platform" | "data" = "platform"): Promise<RawResponse> {
  for (let i = 0; i < 50; i++) {
    const r = await call(heroku, method, path, { host });
    if (done(r)) return r;
  }
  throw new Error(`${method} ${path} never reached the expected state`);
}

async function createApp(name: string): Promise<Record<string, unknown>> {
  const r = await call(heroku, "POST", "/apps", { body: { name } });
  expect(r.status).toBe(201);
  return record(r.body);
}

async function provisionedAddon(app: string, plan: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const created = await call(heroku, "POST", `/apps/${app}/addons`, { body: { plan, ...extra } });
  expect(created.status).toBe(201);
  const id = String(record(created.body)["id"]);
  await pollUntil("GET", `/apps/${app}/addons/${id}`, (r) => record(r.body)["state"] === "provisioned");
  heroku.settle();
  return record((await call(heroku, "GET", `/addons/${id}`)).body);
}

describe("protocol", () => {
  it("requires the version Accept header and a valid token, and stamps Request-Id and RateLimit-Remaining", async () => {
    await createApp("protocol-app");
    const noAccept = await call(heroku, "GET", "/apps/protocol-app", { headers: { Accept: "application/json" } });
    expect(noAccept.status).toBe(406);
    expect(record(noAccept.body)["id"]).toBe("not_acceptable");

    const badToken = await call(heroku, "GET", "/apps/protocol-app", { headers: { Authorization: "Bearer nope" } });
    expect(badToken.status).toBe(401);
    expect(record(badToken.body)).toMatchObject({ id: "unauthorized" });

    const basic = await call(heroku, "GET", "/apps/protocol-app", {
      headers: { Authorization: `Basic ${Buffer.from(`:${heroku.token}`).toString("base64")}` },
    });
    expect(basic.status).toBe(200);
    expect(basic.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(basic.headers.get("ratelimit-remaining"))).toBeGreaterThan(0);

    const missing = await call(heroku, "GET", "/apps/no-such-app");
    expect(missing.status).toBe(404);
    expect(record(missing.body)).toMatchObject({ id: "not_found", message: expect.any(String) });
  });

  it("answers 429 rate_limit once the token bucket is empty", async () => {
    const limited = await startHerokuDouble({ rateLimit: { remaining: 2, refillPerMinute: 0 } });
    try {
      expect((await call(limited, "GET", "/account")).headers.get("ratelimit-remaining")).toBe("1");
      expect((await call(limited, "GET", "/account")).status).toBe(200);
      const refused = await call(limited, "GET", "/account");
      expect(refused.status).toBe(429);
      expect(record(refused.body)["id"]).toBe("rate_limit");
      expect(record((await call(limited, "GET", "/account/rate-limits")).body)).toEqual({ remaining: 0 });
    } finally {
      await limited.close();
    }
  });

  it("paginates lists with Range / Next-Range / 206, in either order, and refuses a bad Range with 416", async () => {
    const paged = await startHerokuDouble({ pageSize: 2, maxPageSize: 2 });
    try {
      const app = record((await call(paged, "POST", "/apps", { body: { name: "paged" } })).body);
      for (const n of [1, 2, 3]) await call(paged, "PATCH", `/apps/${String(app["name"])}/config-vars`, { body: { [`K${n}`]: "v" } });
      const versions: number[] = [];
      let range: string | null = "version ..; order=desc";
      let pages = 0;
      while (range !== null) {
        const page = await call(paged, "GET", "/apps/paged/releases", { headers: { Range: range } });
        expect([200, 206]).toContain(page.status);
        versions.push(...records(page.body).map((r) => Number(r["version"])));
        range = page.status === 206 ? page.headers.get("next-range") : null;
        pages++;
      }
      expect(versions).toEqual([5, 4, 3, 2, 1]);
      expect(pages).toBe(3);
      expect((await call(paged, "GET", "/apps/paged/releases", { headers: { Range: "colour ..; max=2" } })).status).toBe(416);
    } finally {
      await paged.close();
    }
  });
});

describe("what requests may carry and answers may show (links.ts)", () => {
  it("refuses a field the schema does not list for the link with 422 invalid_params naming it, and applies nothing", async () => {
    const before = heroku.violations.length;
    const extra = await call(heroku, "POST", "/apps", { body: { name: "strict-app", owner: "someone@example.com" } });
    expect(extra.status).toBe(422);
    expect(record(extra.body)).toEqual({ id: "invalid_params", message: expect.stringContaining("owner is not a known parameter") });
    expect(heroku.state.app("strict-app")).toBeUndefined();

    await createApp("strict-app");
    heroku.seed.deploy({ app: "strict-app", processTypes: { web: "node web.js" } });
    const dynoSize = await call(heroku, "PATCH", "/apps/strict-app/formation", {
      body: { updates: [{ type: "web", quantity: 2, dyno_size: { name: "standard-2X" } }] },
    });
    expect(dynoSize.status).toBe(422);
    expect(record(dynoSize.body)["message"]).toMatch(/updates\[0\]\.dyno_size is not a known parameter \(updates\[0\] accepts quantity, size, type\)/);
    expect(heroku.state.formationOf("strict-app")).toMatchObject({ web: { quantity: 1, size: "Standard-1X" } });

    const token = await call(heroku, "POST", "/apps/strict-app/log-drains", { body: { url: "https://logs.example.com/x", token: "d.mine" } });
    expect(token.status).toBe(422);
    expect(heroku.state.drainsOf("strict-app")).toEqual([]);
    const password = await call(heroku, "POST", "/postgres/v0/databases/any-db/credentials", { host: "data", body: { name: "x", password: "p" } });
    expect(record(password.body)).toMatchObject({ id: "invalid_params", message: expect.stringContaining("password") });
    const job = await call(heroku, "POST", "/apps/any-app/jobs", {
      host: "scheduler",
      body: { data: { type: "jobs", attributes: { command: "x", "dyno-size": "Basic", every: 60, at: 0, timezone: "UTC" } } },
    });
    expect(job.status).toBe(422);
    expect(JSON.stringify(job.body)).toContain("data.attributes.timezone");

    expect(heroku.violations.slice(before).map((v) => `${v.host} ${v.method} ${v.link}`)).toEqual([
      "platform POST /apps",
      "platform PATCH /apps/:app/formation",
      "platform POST /apps/:app/log-drains",
      "data POST /postgres/v0/databases/:db/credentials",
      "scheduler POST /apps/:app/jobs",
    ]);
  });

  it("refuses wrong types and missing required fields, as the schema types them", async () => {
    await createApp("typed-app");
    const number = await call(heroku, "POST", "/apps/typed-app/domains", { body: { hostname: 5, sni_endpoint: null } });
    expect(record(number.body)).toEqual({ id: "invalid_params", message: "Invalid hostname provided: expected string." });
    const missing = await call(heroku, "POST", "/apps/typed-app/domains", { body: { hostname: "typed.example.com" } });
    expect(record(missing.body)["message"]).toBe("Missing required params: sni_endpoint.");
    expect((await call(heroku, "PATCH", "/apps/typed-app/config-vars", { body: { "BAD-KEY": "x" } })).status).toBe(422);
    expect((await call(heroku, "PATCH", "/apps/typed-app/config-vars", { body: { COUNT: 1 } })).status).toBe(422);
    expect((await call(heroku, "PATCH", "/apps/typed-app/config-vars", { body: { GONE: null, SET: "1" } })).status).toBe(200);
    const fractional = await call(heroku, "PATCH", "/apps/typed-app/formation/web", { body: { quantity: 1.5 } });
    expect(record(fractional.body)["message"]).toBe("Invalid quantity provided: expected integer.");
    // Two links share POST /apps/{app}/releases: a deploy or a rollback, not a mix.
    const mixed = await call(heroku, "POST", "/apps/typed-app/releases", { body: { slug: "s", release: "r" } });
    expect(mixed.status).toBe(422);
  });

  it("answers with the schema's fields only: size without dyno_size, team apps without acm, couplings by id", async () => {
    await createApp("shape-app");
    heroku.seed.deploy({ app: "shape-app", processTypes: { web: "node web.js" } });
    expect(records((await call(heroku, "GET", "/apps/shape-app/formation")).body)[0]).not.toHaveProperty("dyno_size");
    expect(record((await call(heroku, "GET", "/apps/shape-app")).body)).not.toHaveProperty("generation");
    const team = record((await call(heroku, "POST", "/teams/apps", { body: { name: "shape-team", team: "fleet" } })).body);
    expect(team).not.toHaveProperty("acm");
    expect(team["team"]).toEqual({ name: "fleet" });
    expect(heroku.internalErrors).toEqual([]);
  });
});

describe("apps", () => {
  it("enforces the name rule and global uniqueness, names unnamed apps, and derives web_url with 12 hex", async () => {
    expect((await call(heroku, "POST", "/apps", { body: { name: "Bad_Name" } })).status).toBe(422);
    expect((await call(heroku, "POST", "/apps", { body: { name: "ab" } })).status).toBe(422);
    const app = await createApp("unique-app");
    expect(app["web_url"]).toMatch(/^https:\/\/unique-app-[0-9a-f]{12}\.herokuapp\.com\/$/);
    const clash = await call(heroku, "POST", "/teams/apps", { body: { name: "unique-app", team: "fleet" } });
    expect(clash.status).toBe(422);
    expect(record(clash.body)["id"]).toBe("invalid_params");
    const unnamed = record((await call(heroku, "POST", "/apps", { body: {} })).body);
    expect(String(unnamed["name"])).toMatch(/^[a-z]+-[a-z]+-\d{5}$/);
    const team = await call(heroku, "POST", "/teams/apps", { body: { name: "team-app-1", team: "fleet", region: "eu" } });
    expect(record(team.body)).toMatchObject({ team: { name: "fleet" }, region: { name: "eu" }, locked: false });
    const renamed = await call(heroku, "PATCH", "/apps/team-app-1", { body: { name: "team-app-2", maintenance: true } });
    expect(record(renamed.body)).toMatchObject({ name: "team-app-2", maintenance: true, id: record(team.body)["id"] });
    expect((await call(heroku, "PATCH", "/apps/team-app-2/features/preboot", { body: { enabled: true } })).status).toBe(200);
    expect(heroku.state.app("team-app-2")?.features.get("preboot")).toBe(true);
  });

  it("destroys the add-ons billed to a deleted app, and their vars on other apps", async () => {
    await createApp("doomed-app");
    await createApp("survivor-app");
    const db = await provisionedAddon("doomed-app", "heroku-postgresql:standard-0");
    const attach = await call(heroku, "POST", "/addon-attachments", { body: { addon: db["name"], app: "survivor-app", name: "SHARED_DATABASE" } });
    expect(attach.status).toBe(201);
    expect(heroku.state.configVars("survivor-app")).toHaveProperty("SHARED_DATABASE_URL");
    expect((await call(heroku, "DELETE", "/apps/doomed-app")).status).toBe(200);
    expect(heroku.state.addon(String(db["id"]))).toBeUndefined();
    expect(heroku.state.configVars("survivor-app")).not.toHaveProperty("SHARED_DATABASE_URL");
    expect((await call(heroku, "GET", `/addons/${String(db["id"])}`)).status).toBe(404);
  });
});

describe("config vars", () => {
  it("merges, deletes with null, makes one release per PATCH, and refuses reserved and add-on keys", async () => {
    await createApp("config-app");
    const v0 = heroku.state.releasesOf("config-app").length;
    expect((await call(heroku, "PATCH", "/apps/config-app/config-vars", { body: { A: "1", B: "2" } })).body).toEqual({ A: "1", B: "2" });
    expect((await call(heroku, "PATCH", "/apps/config-app/config-vars", { body: { A: null, C: "3" } })).body).toEqual({ B: "2", C: "3" });
    const releases = heroku.state.releasesOf("config-app");
    expect(releases.length).toBe(v0 + 2);
    expect(releases.at(-1)?.description).toBe("Set C and remove A config vars");

    for (const bad of [{ HEROKU_APP_NAME: "x" }, { "BAD-KEY": "x" }, { N: 5 }]) {
      const r = await call(heroku, "PATCH", "/apps/config-app/config-vars", { body: bad });
      expect(r.status).toBe(422);
      expect(record(r.body)["id"]).toBe("invalid_params");
    }
    await provisionedAddon("config-app", "heroku-redis:mini");
    const overwrite = await call(heroku, "PATCH", "/apps/config-app/config-vars", { body: { REDIS_URL: "redis://mine" } });
    expect(overwrite.status).toBe(422);
    expect(record(overwrite.body)["message"]).toContain("REDIS_URL");
    expect(heroku.state.releasesOf("config-app").length).toBe(v0 + 3);
  });
});

describe("add-ons and attachments", () => {
  it("provisions asynchronously and publishes the add-on's vars only after it is provisioned", async () => {
    await createApp("addon-app");
    expect((await call(heroku, "POST", "/apps/addon-app/addons", { body: {} })).status).toBe(422);
    expect((await call(heroku, "POST", "/apps/addon-app/addons", { body: { plan: "heroku-postgresql:gigantic" } })).status).toBe(422);
    const created = record((await call(heroku, "POST", "/apps/addon-app/addons", { body: { plan: "heroku-postgresql:essential-0", name: "addon-app-db" } })).body);
    expect(created).toMatchObject({ state: "provisioning", plan: { name: "heroku-postgresql:essential-0" }, addon_service: { name: "heroku-postgresql" } });
    expect(created["config_vars"]).toEqual(expect.arrayContaining(["DATABASE_URL", expect.stringMatching(/^HEROKU_POSTGRESQL_[A-Z]+_URL$/)]));
    expect(heroku.state.configVars("addon-app")).not.toHaveProperty("DATABASE_URL");

    const states: string[] = [];
    let sawProvisionedWithoutVars = false;
    for (let i = 0; i < 10; i++) {
      const state = String(record((await call(heroku, "GET", "/addons/addon-app-db")).body)["state"]);
      states.push(state);
      const vars = record((await call(heroku, "GET", "/apps/addon-app/config-vars")).body);
      if (state === "provisioned" && !("DATABASE_URL" in vars)) sawProvisionedWithoutVars = true;
      if ("DATABASE_URL" in vars) break;
    }
    expect(states[0]).toBe("provisioning");
    expect(states).toContain("provisioned");
    expect(sawProvisionedWithoutVars).toBe(true);
    expect(heroku.state.configVars("addon-app")["DATABASE_URL"]).toMatch(/^postgres:\/\/\w+:\w+@[\w.-]+:5432\/\w+$/);
    const duplicate = await call(heroku, "POST", "/apps/addon-app/addons", { body: { plan: "heroku-redis:mini", name: "addon-app-db" } });
    expect(duplicate.status).toBe(422);

    const upgraded = await call(heroku, "PATCH", "/apps/addon-app/addons/addon-app-db", { body: { plan: "heroku-postgresql:standard-0" } });
    expect(record(upgraded.body)["plan"]).toMatchObject({ name: "heroku-postgresql:standard-0" });
    const removed = await call(heroku, "DELETE", "/apps/addon-app/addons/addon-app-db");
    expect(record(removed.body)["state"]).toBe("deprovisioning");
    expect(heroku.state.configVars("addon-app")).not.toHaveProperty("DATABASE_URL");
    expect((await call(heroku, "POST", "/apps/addon-app/addons", { body: { plan: "heroku-redis:mini", name: "addon-app-db" } })).status).toBe(422);
    await pollUntil("GET", "/addons/addon-app-db", (r) => r.status === 404);
  });

  it("attaches an add-on to another app under a name, and refuses a name clash unless confirmed", async () => {
    await createApp("owner-app");
    await createApp("guest-app");
    const db = await provisionedAddon("owner-app", "heroku-postgresql:essential-0");
    const first = await call(heroku, "POST", "/addon-attachments", { body: { addon: db["name"], app: "guest-app", name: "HERMES_DATABASE" } });
    expect(first.status).toBe(201);
    expect(record(first.body)).toMatchObject({ name: "HERMES_DATABASE", app: { name: "guest-app" }, addon: { name: db["name"], app: { name: "owner-app" } } });
    expect(heroku.state.configVars("guest-app")["HERMES_DATABASE_URL"]).toBe(heroku.state.configVars("owner-app")["DATABASE_URL"]);

    const clash = await call(heroku, "POST", "/addon-attachments", { body: { addon: db["id"], app: "guest-app", name: "HERMES_DATABASE" } });
    expect(clash.status).toBe(422);
    const confirmed = await call(heroku, "POST", "/addon-attachments", {
      body: { addon: db["id"], app: "guest-app", name: "HERMES_DATABASE", confirm: "guest-app" },
    });
    expect(confirmed.status).toBe(201);
    const listed = records((await call(heroku, "GET", "/apps/guest-app/addon-attachments")).body);
    expect(listed.map((a) => a["name"])).toEqual(["HERMES_DATABASE"]);

    expect((await call(heroku, "DELETE", `/addon-attachments/${String(listed[0]?.["id"])}`)).status).toBe(200);
    expect(heroku.state.configVars("guest-app")).not.toHaveProperty("HERMES_DATABASE_URL");
  });
});

describe("sources, builds and releases", () => {
  async function upload(bytes: Buffer, contentType?: string): Promise<{ get: string; put: RawResponse }> {
    const source = record(record((await call(heroku, "POST", "/sources")).body)["source_blob"]);
    const headers: Record<string, string> = contentType ? { "Content-Type": contentType } : {};
    const response = await fetch(String(source["put_url"]), { method: "PUT", body: bytes, headers });
    return { get: String(source["get_url"]), put: { status: response.status, headers: response.headers, body: undefined, text: await response.text() } };
  }

  async function build(app: string, url: string, checksum: string | null): Promise<Record<string, unknown>> {
    const created = await call(heroku, "POST", `/apps/${app}/builds`, { body: { source_blob: { url, checksum, version: "v1" } } });
    expect(created.status).toBe(201);
    expect(record(created.body)["status"]).toBe("pending");
    const id = String(record(created.body)["id"]);
    return record((await pollUntil("GET", `/apps/${app}/builds/${id}`, (r) => record(r.body)["status"] !== "pending")).body);
  }

  it("rejects an upload that carries a Content-Type, as a presigned S3 URL does", async () => {
    const { put } = await upload(Buffer.from("x"), "application/gzip");
    expect(put.status).toBe(403);
    expect(put.text).toContain("SignatureDoesNotMatch");
  });

  it("builds a Node app, runs the release phase, and scales web to 1 on the first deploy", async () => {
    await createApp("build-app");
    const bytes = await makeTarball(nodeApp("web: node server.js\nworker: node worker.js\nrelease: node migrate.js\n"), { topFolder: "build-app-main" });
    const { get, put } = await upload(bytes);
    expect(put.status).toBe(200);
    const done = await build("build-app", get, sha256Checksum(bytes));
    expect(done["status"]).toBe("succeeded");
    const releaseId = String(record(done["release"])["id"]);
    const release = record((await call(heroku, "GET", `/apps/build-app/releases/${releaseId}`)).body);
    expect(release["status"]).toBe("pending");
    const released = await pollUntil("GET", `/apps/build-app/releases/${releaseId}`, (r) => record(r.body)["status"] !== "pending");
    expect(record(released.body)).toMatchObject({ status: "succeeded", current: true });
    const output = await (await fetch(String(done["output_stream_url"]))).text();
    expect(output).toContain("Procfile declares types -> web, worker, release");

    const formation = records((await call(heroku, "GET", "/apps/build-app/formation")).body);
    expect(Object.fromEntries(formation.map((f) => [f["type"], [f["quantity"], f["size"]]]))).toEqual({
      web: [1, "Standard-1X"],
      worker: [0, "Standard-1X"],
    });
  });

  it("fails builds on a checksum mismatch, on a source without package.json, and when a test plans it", async () => {
    await createApp("broken-build");
    const good = await makeTarball(nodeApp());
    const { get } = await upload(good);
    const mismatch = await build("broken-build", get, `SHA256:${"0".repeat(64)}`);
    expect(mismatch["status"]).toBe("failed");
    expect(await (await fetch(String(mismatch["output_stream_url"]))).text()).toContain("Checksum does not match");

    const noPackage = await makeTarball({ "index.html": "<p>hi</p>" });
    const second = await upload(noPackage);
    expect((await build("broken-build", second.get, sha256Checksum(noPackage)))["status"]).toBe("failed");

    heroku.control.failNextBuild({ app: "broken-build", message: "npm ERR! missing script: build" });
    const planned = await build("broken-build", get, sha256Checksum(good));
    expect(planned["status"]).toBe("failed");
    expect(await (await fetch(String(planned["output_stream_url"]))).text()).toContain("missing script: build");
    expect(heroku.state.formationOf("broken-build")).toEqual({});
  });

  it("keeps the previous release current when the release phase fails", async () => {
    await createApp("release-fail");
    heroku.seed.deploy({ app: "release-fail", processTypes: { web: "node a.js", release: "node migrate.js" } });
    const before = heroku.state.currentRelease("release-fail");
    heroku.control.failNextReleasePhase({ app: "release-fail", message: "migration 007 failed" });
    await call(heroku, "PATCH", "/apps/release-fail/config-vars", { body: { FEATURE: "on" } });
    const latest = records((await call(heroku, "GET", "/apps/release-fail/releases", { headers: { Range: "version ..; max=1, order=desc" } })).body)[0];
    expect(latest?.["status"]).toBe("pending");
    const failed = await pollUntil("GET", `/apps/release-fail/releases/${String(latest?.["version"])}`, (r) => record(r.body)["status"] !== "pending");
    expect(record(failed.body)).toMatchObject({ status: "failed", current: false });
    expect(heroku.state.currentRelease("release-fail")?.id).toBe(before?.id);
  });
});

describe("formation", () => {
  it("scales only released process types, never release, one eco dyno per type, without mixing tiers", async () => {
    await createApp("formation-app");
    const none = await call(heroku, "PATCH", "/apps/formation-app/formation", { body: { updates: [{ type: "web", quantity: 1 }] } });
    expect(none.status).toBe(404);
    expect(record(none.body)["message"]).toContain("Couldn't find that process type");
    heroku.seed.deploy({ app: "formation-app", processTypes: { web: "node web.js", worker: "node worker.js", release: "node m.js" } });
    expect((await call(heroku, "GET", "/apps/formation-app/formation/release")).status).toBe(404);

    const scaled = await call(heroku, "PATCH", "/apps/formation-app/formation", {
      body: { updates: [{ type: "web", quantity: 2, size: "standard-2x" }] },
    });
    expect(records(scaled.body)[0]).toMatchObject({ type: "web", quantity: 2, size: "Standard-2X" });
    expect(records(scaled.body)[0]).not.toHaveProperty("dyno_size");
    const mixed = await call(heroku, "PATCH", "/apps/formation-app/formation", { body: { updates: [{ type: "worker", size: "eco" }] } });
    expect(mixed.status).toBe(422);
    const twoEco = await call(heroku, "PATCH", "/apps/formation-app/formation", {
      body: { updates: [{ type: "web", quantity: 2, size: "eco" }, { type: "worker", size: "eco" }] },
    });
    expect(twoEco.status).toBe(422);
    const allEco = await call(heroku, "PATCH", "/apps/formation-app/formation", {
      body: { updates: [{ type: "web", quantity: 1, size: "eco" }, { type: "worker", quantity: 1, size: "Eco" }] },
    });
    expect(allEco.status).toBe(200);
    expect(heroku.state.formationOf("formation-app")).toMatchObject({ web: { quantity: 1, size: "Eco" }, worker: { quantity: 1, size: "Eco" } });
  });
});

describe("domains, drains, pipelines", () => {
  it("needs both domain keys, keeps a hostname on one app, and issues ACM certificates over time", async () => {
    await createApp("domain-app");
    await createApp("domain-other");
    expect((await call(heroku, "POST", "/apps/domain-app/domains", { body: { hostname: "www.example.org" } })).status).toBe(422);
    await call(heroku, "POST", "/apps/domain-app/acm");
    const created = record((await call(heroku, "POST", "/apps/domain-app/domains", { body: { hostname: "www.example.org", sni_endpoint: null } })).body);
    expect(created).toMatchObject({ kind: "custom", status: "pending", acm_status: "pending", hostname: "www.example.org" });
    expect(created["cname"]).toMatch(/^[a-z0-9-]+\.herokudns\.com$/);
    expect((await call(heroku, "POST", "/apps/domain-other/domains", { body: { hostname: "www.example.org", sni_endpoint: null } })).status).toBe(422);
    const issued = await pollUntil("GET", "/apps/domain-app/domains/www.example.org", (r) => record(r.body)["acm_status"] === "cert issued");
    expect(record(issued.body)["status"]).toBe("succeeded");
    expect((await call(heroku, "DELETE", `/apps/domain-app/domains/${String(created["id"])}`)).status).toBe(200);
  });

  it("gives drains a d.<uuid> token, refuses a second identical URL and a sixth drain, finds them by URL", async () => {
    await createApp("drain-app");
    const url = "syslog+tls://logs.example.com:6514";
    const drain = record((await call(heroku, "POST", "/apps/drain-app/log-drains", { body: { url } })).body);
    expect(drain["token"]).toMatch(/^d\.[0-9a-f-]{36}$/);
    expect((await call(heroku, "POST", "/apps/drain-app/log-drains", { body: { url } })).status).toBe(422);
    for (let i = 2; i <= 5; i++) {
      expect((await call(heroku, "POST", "/apps/drain-app/log-drains", { body: { url: `https://logs.example.com/${i}` } })).status).toBe(201);
    }
    expect((await call(heroku, "POST", "/apps/drain-app/log-drains", { body: { url: "https://logs.example.com/6" } })).status).toBe(422);
    const byUrl = await call(heroku, "GET", `/apps/drain-app/log-drains/${encodeURIComponent(url)}`);
    expect(record(byUrl.body)["id"]).toBe(drain["id"]);
  });

  it("couples an app to one pipeline only, and deletes pipelines by UUID only", async () => {
    await createApp("piped-app");
    expect((await call(heroku, "POST", "/pipelines", { body: { name: "X" } })).status).toBe(422);
    const one = record((await call(heroku, "POST", "/pipelines", { body: { name: "shop-sentiment" } })).body);
    const two = record((await call(heroku, "POST", "/pipelines", { body: { name: "other-pipe" } })).body);
    const coupling = await call(heroku, "POST", "/pipeline-couplings", { body: { app: "piped-app", pipeline: one["id"], stage: "staging" } });
    expect(coupling.status).toBe(201);
    expect((await call(heroku, "POST", "/pipeline-couplings", { body: { app: "piped-app", pipeline: two["id"], stage: "production" } })).status).toBe(422);
    expect(record((await call(heroku, "GET", "/apps/piped-app/pipeline-couplings")).body)).toMatchObject({ stage: "staging", pipeline: { id: one["id"] } });
    expect((await call(heroku, "GET", "/pipelines/shop-sentiment")).status).toBe(200);
    expect((await call(heroku, "DELETE", "/pipelines/shop-sentiment")).status).toBe(404);
    expect((await call(heroku, "DELETE", `/pipelines/${String(one["id"])}`)).status).toBe(200);
    expect((await call(heroku, "GET", "/apps/piped-app/pipeline-couplings")).status).toBe(404);
  });
});

describe("scheduler host", () => {
  it("serves JSON:API jobs by app UUID only, for apps with Scheduler, with Heroku's dyno sizes and schedules", async () => {
    const app = await createApp("sched-app");
    const id = String(app["id"]);
    const job = { data: { type: "jobs", attributes: { command: "npm run pipeline", "dyno-size": "Standard-1X", every: 60, at: 10 } } };
    expect((await call(heroku, "POST", `/apps/${id}/jobs`, { host: "scheduler", body: job })).status).toBe(422);
    await provisionedAddon("sched-app", "scheduler:standard");
    expect((await call(heroku, "GET", "/apps/sched-app/jobs", { host: "scheduler" })).status).toBe(404);

    const created = await call(heroku, "POST", `/apps/${id}/jobs`, { host: "scheduler", body: job });
    expect(created.status).toBe(201);
    const jobId = String(record(record(created.body)["data"])["id"]);
    const wrongCase = { data: { type: "jobs", attributes: { ...job.data.attributes, "dyno-size": "standard-1x" } } };
    expect((await call(heroku, "POST", `/apps/${id}/jobs`, { host: "scheduler", body: wrongCase })).status).toBe(422);
    const badAt = { data: { type: "jobs", attributes: { ...job.data.attributes, every: 1440, at: 45 } } };
    expect((await call(heroku, "POST", `/apps/${id}/jobs`, { host: "scheduler", body: badAt })).status).toBe(422);
    const untyped = { data: { id: jobId, attributes: { command: "x" } } };
    expect((await call(heroku, "PATCH", `/apps/${id}/jobs/${jobId}`, { host: "scheduler", body: untyped })).status).toBe(422);

    const patched = await call(heroku, "PATCH", `/apps/${id}/jobs/${jobId}`, {
      host: "scheduler",
      body: { data: { id: jobId, type: "jobs", attributes: { every: 1440, at: 330 } } },
    });
    expect(record(record(patched.body)["data"])["attributes"]).toMatchObject({ command: "npm run pipeline", every: 1440, at: 330 });
    const listed = record((await call(heroku, "GET", `/apps/${id}/jobs`, { host: "scheduler" })).body);
    expect(records(listed["data"]).map((j) => j["id"])).toEqual([jobId]);
    expect((await call(heroku, "DELETE", `/apps/${id}/jobs/${jobId}`, { host: "scheduler" })).status).toBe(204);
    expect(heroku.state.schedulerJobsOf("sched-app")).toEqual([]);
  });
});

describe("data host", () => {
  it("refuses credentials on Essential, provisions them on Standard, attaches by namespace, revokes them", async () => {
    await createApp("pg-app");
    await createApp("pg-guest");
    const essential = await provisionedAddon("pg-app", "heroku-postgresql:essential-0", { attachment: { name: "SMALL_DATABASE" } });
    const refused = await call(heroku, "POST", `/postgres/v0/databases/${String(essential["name"])}/credentials`, { host: "data", body: { name: "euterpe" } });
    expect(refused.status).toBe(422);
    expect(record(refused.body)["message"]).toBe("You can't create a custom credential on Essential-tier databases.");

    const db = String((await provisionedAddon("pg-app", "heroku-postgresql:standard-0"))["name"]);
    const base = `/postgres/v0/databases/${db}/credentials`;
    const created = await call(heroku, "POST", base, { host: "data", body: { name: "euterpe" } });
    expect(record(created.body)["state"]).toBe("provisioning");
    const early = await call(heroku, "POST", "/addon-attachments", { body: { addon: db, app: "pg-guest", name: "EUTERPE_DATABASE", namespace: "credential:euterpe" } });
    expect(early.status).toBe(422);
    const active = await pollUntil("GET", `${base}/euterpe`, (r) => record(r.body)["state"] === "active", "data");
    const user = String(records(record(active.body)["credentials"])[0]?.["user"]);
    expect((await call(heroku, "POST", "/addon-attachments", { body: { addon: db, app: "pg-guest", name: "EUTERPE_DATABASE", namespace: "credential:euterpe" } })).status).toBe(201);
    expect(heroku.state.configVars("pg-guest")["EUTERPE_DATABASE_URL"]).toContain(`://${user}:`);

    expect((await call(heroku, "DELETE", `${base}/euterpe`, { host: "data" })).status).toBe(422);
    const attachment = heroku.state.attachmentsOf("pg-guest")[0];
    await call(heroku, "DELETE", `/addon-attachments/${String(attachment?.id)}`);
    expect(record((await call(heroku, "DELETE", `${base}/euterpe`, { host: "data" })).body)["state"]).toBe("revoking");
    await pollUntil("GET", `${base}/euterpe`, (r) => r.status === 404, "data");
  });

  it("reads and patches Redis config and upserts one backup schedule per database", async () => {
    await createApp("data-app");
    const redis = String((await provisionedAddon("data-app", "heroku-redis:premium-0"))["name"]);
    const config = record((await call(heroku, "GET", `/redis/v0/databases/${redis}/config`, { host: "data" })).body);
    expect(record(config["maxmemory_policy"])).toMatchObject({ value: "noeviction", default: "noeviction" });
    const bad = await call(heroku, "PATCH", `/redis/v0/databases/${redis}/config`, { host: "data", body: { maxmemory_policy: "lru" } });
    expect(bad.status).toBe(422);
    const patched = record((await call(heroku, "PATCH", `/redis/v0/databases/${redis}/config`, { host: "data", body: { maxmemory_policy: "allkeys-lru" } })).body);
    expect(record(patched["maxmemory_policy"])["value"]).toBe("allkeys-lru");

    const pg = String((await provisionedAddon("data-app", "heroku-postgresql:standard-0"))["name"]);
    const path = `/client/v11/databases/${pg}/transfer-schedules`;
    expect((await call(heroku, "POST", path, { host: "data", body: { hour: 2, timezone: "UTC", schedule_name: "DATABASE_URL" } })).status).toBe(422);
    expect((await call(heroku, "POST", path, { host: "data", body: { hour: "02", timezone: "America/Los_Angeles", schedule_name: "DATABASE_URL" } })).status).toBe(201);
    expect((await call(heroku, "POST", path, { host: "data", body: { hour: "05", timezone: "Europe/Berlin", schedule_name: "DATABASE_URL" } })).status).toBe(200);
    const schedules = records((await call(heroku, "GET", path, { host: "data" })).body);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ hour: 5, timezone: "Europe/Berlin", name: "DATABASE_URL" });
  });
});

describe("faults", () => {
  it("injects scoped status faults in order and leaves other requests alone", async () => {
    await createApp("fault-app");
    heroku.faults.queue([503, 429], { writes: true, path: "/apps/:app/config-vars" });
    expect((await call(heroku, "GET", "/apps/fault-app/config-vars")).status).toBe(200);
    const first = await call(heroku, "PATCH", "/apps/fault-app/config-vars", { body: { X: "1" } });
    expect([first.status, record(first.body)["id"]]).toEqual([503, "service_unavailable"]);
    expect((await call(heroku, "PATCH", "/apps/fault-app/config-vars", { body: { X: "1" } })).status).toBe(429);
    expect((await call(heroku, "PATCH", "/apps/fault-app/config-vars", { body: { X: "1" } })).status).toBe(200);
    expect(heroku.state.releasesOf("fault-app").filter((r) => r.description.includes("X"))).toHaveLength(1);
  });

  it("drops a connection without applying the write, or commits it and then drops", async () => {
    heroku.faults.inject("drop", { method: "POST", path: "/apps" });
    await expect(call(heroku, "POST", "/apps", { body: { name: "dropped-app" } })).rejects.toThrow();
    expect(heroku.state.app("dropped-app")).toBeUndefined();

    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps" });
    await expect(call(heroku, "POST", "/apps", { body: { name: "committed-app" } })).rejects.toThrow();
    expect(heroku.state.app("committed-app")).toBeDefined();
    const entry = heroku.requests.at(-1);
    expect(entry).toMatchObject({ fault: "commit-then-drop", status: null, handledStatus: 201 });
    expect((await call(heroku, "POST", "/apps", { body: { name: "committed-app" } })).status).toBe(422);
  });

  it("answers slowly enough to trip a client timeout", async () => {
    heroku.faults.inject("slow", { host: "platform", path: "/account", delayMs: 400 });
    const started = Date.now();
    await expect(
      fetch(`${heroku.urls.platform}/account`, {
        headers: { Accept: "application/vnd.heroku+json; version=3", Authorization: `Bearer ${heroku.token}` },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(400);
    expect((await call(heroku, "GET", "/account")).status).toBe(200);
  });

  it("draws random faults from the seed, so a run replays exactly", async () => {
    async function run(): Promise<number[]> {
      const d = await startHerokuDouble({ seed: 42 });
      try {
        d.faults.random([500, 503], { probability: 0.5, path: "/account" });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) statuses.push((await call(d, "GET", "/account")).status);
        return statuses;
      } finally {
        await d.close();
      }
    }
    const a = await run();
    expect(a).toEqual(await run());
    expect(a.some((s) => s !== 200) && a.some((s) => s === 200)).toBe(true);
  });
});

describe("seeding and hand edits", () => {
  it("lets a test create an app out of band and change it behind the program's back", async () => {
    heroku.seed.app({ name: "euterpe", configVars: { SPOTIFY_CLIENT_ID: "abc" } });
    heroku.seed.addon({ app: "euterpe", plan: "heroku-postgresql:essential-0" });
    const seen = record((await call(heroku, "GET", "/apps/euterpe/config-vars")).body);
    expect(seen).toMatchObject({ SPOTIFY_CLIENT_ID: "abc", DATABASE_URL: expect.stringMatching(/^postgres:/) });
    heroku.handEdit.configVars("euterpe", { SPOTIFY_CLIENT_ID: "changed-by-hand", EXTRA: "1" });
    heroku.handEdit.app("euterpe", { maintenance: true });
    expect(record((await call(heroku, "GET", "/apps/euterpe/config-vars")).body)).toMatchObject({ SPOTIFY_CLIENT_ID: "changed-by-hand", EXTRA: "1" });
    expect(record((await call(heroku, "GET", "/apps/euterpe")).body)["maintenance"]).toBe(true);
  });
});
