/**
 * The double's one-off dynos and log sessions, spoken to over bare HTTP:
 * what a client can observe of a detached run is exactly what Heroku shows —
 * the dyno while it runs, then a 404; the exit status only in the log. And
 * releases of an existing slug: the app's own, or one promoted to it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";
import { call, record, records } from "../heroku-double/fetch";

let heroku: HerokuDouble;
const APP = "dyno-app";

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 11 });
  heroku.seed.app({ name: APP });
  heroku.seed.deploy({ app: APP, processTypes: { web: "node server.js" } });
});
afterAll(async () => {
  await heroku.close();
});
afterEach(() => {
  heroku.faults.clear();
  expect(heroku.internalErrors).toEqual([]);
});

/** Reads a logplex_url to its end (a session without tail) and returns its lines. */
async function readSession(url: string): Promise<string[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.text()).split("\n").filter((l) => l !== "");
}

async function session(body: Record<string, unknown>): Promise<string> {
  const created = await call(heroku, "POST", `/apps/${APP}/log-sessions`, { body });
  expect(created.status).toBe(201);
  return String(record(created.body)["logplex_url"]);
}

describe("one-off dynos", () => {
  it("are visible while they run and gone once their process ends; only the log says how it ended", async () => {
    heroku.control.scriptDyno({ command: "node job.js", output: ["one", "two"], exitStatus: 3, lineIntervalMs: 200 });
    const started = await call(heroku, "POST", `/apps/${APP}/dynos`, { body: { command: "node job.js", attach: false, size: "basic", time_to_live: 600 } });
    expect(started.status).toBe(201);
    const dyno = record(started.body);
    expect(dyno).toMatchObject({ command: "node job.js", state: "starting", attach_url: null, size: "Basic", type: "run" });
    expect(String(dyno["name"])).toMatch(/^run\.\d{4}$/);
    expect(records((await call(heroku, "GET", `/apps/${APP}/dynos`)).body).map((d) => d["name"])).toEqual([dyno["name"]]);

    heroku.settle();
    const gone = await call(heroku, "GET", `/apps/${APP}/dynos/${String(dyno["id"])}`);
    expect(gone.status).toBe(404);
    expect(record(gone.body)["id"]).toBe("not_found");

    const lines = await readSession(await session({ dyno: dyno["name"], lines: 1500 }));
    const name = String(dyno["name"]);
    expect(lines.map((l) => l.replace(/^\S+ /, ""))).toEqual([
      `heroku[${name}]: Starting process with command \`node job.js\` by user fleet-ci@example.com`,
      `heroku[${name}]: State changed from starting to up`,
      `app[${name}]: one`,
      `app[${name}]: two`,
      `heroku[${name}]: Process exited with status 3`,
      `heroku[${name}]: State changed from up to complete`,
    ]);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 /);
    expect(heroku.state.endedDynosOf(APP).at(-1)).toMatchObject({ exitStatus: 3 });
  });

  it("refuses what the schema does not list, a bad time to live, and an app without a slug", async () => {
    const unknown = await call(heroku, "POST", `/apps/${APP}/dynos`, { body: { command: "ls", dyno_size: "basic" } });
    expect(unknown.status).toBe(422);
    expect(heroku.violations.at(-1)?.problem).toContain("dyno_size");
    const ttl = await call(heroku, "POST", `/apps/${APP}/dynos`, { body: { command: "ls", time_to_live: 90_000 } });
    expect(record(ttl.body)).toMatchObject({ id: "invalid_params" });
    heroku.seed.app({ name: "no-slug-app" });
    const noSlug = await call(heroku, "POST", "/apps/no-slug-app/dynos", { body: { command: "ls" } });
    expect(noSlug.status).toBe(422);
  });

  it("log sessions serve one GET, expire, filter by dyno and source, and stream new lines with tail", async () => {
    heroku.control.scriptDyno({ command: "node tail.js", output: ["a", "b", "c"], lineIntervalMs: 20 });
    const dyno = record((await call(heroku, "POST", `/apps/${APP}/dynos`, { body: { command: "node tail.js" } })).body);
    const name = String(dyno["name"]);
    const url = await session({ dyno: name, tail: true, lines: 1500 });
    const response = await fetch(url);
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes("State changed from up to complete")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(text).toContain(`app[${name}]: c`);
    expect((await fetch(url)).status).toBe(404);

    const heroku_only = await readSession(await session({ dyno: name, source: "heroku", lines: 1500 }));
    expect(heroku_only.every((l) => l.includes(` heroku[${name}]: `))).toBe(true);

    const saved = heroku.timing.logSessionExpiry;
    heroku.timing.logSessionExpiry = { ms: 0 };
    const expired = await session({ lines: 10 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await fetch(expired)).status).toBe(404);
    heroku.timing.logSessionExpiry = saved;
  });
});

describe("releases of a slug", () => {
  it("keep their slug, and refuse a slug that does not exist or belongs to another app", async () => {
    heroku.seed.app({ name: "other-app" });
    const other = heroku.seed.deploy({ app: "other-app", processTypes: { web: "node server.js" } });
    const mine = heroku.state.currentRelease(APP)!;
    const again = await call(heroku, "POST", `/apps/${APP}/releases`, { body: { slug: mine.slugId, description: "again" } });
    expect(again.status).toBe(201);
    expect(record(again.body)).toMatchObject({ slug: { id: mine.slugId }, description: "again" });
    const foreign = await call(heroku, "POST", `/apps/${APP}/releases`, { body: { slug: other.slug.id } });
    expect(foreign.status).toBe(404);
    const missing = await call(heroku, "POST", `/apps/${APP}/releases`, { body: { slug: "01234567-89ab-4cde-8f01-23456789abcd" } });
    expect(missing.status).toBe(404);
    expect(heroku.state.currentRelease("other-app")?.slugId).toBe(other.slug.id);
  });

  it("a slug promoted to the app is one it sees: read and released again", async () => {
    const violations = heroku.violations.length;
    const staging = heroku.seed.app({ name: "slug-stg" });
    const production = heroku.seed.app({ name: "slug-prd" });
    const { slug } = heroku.seed.deploy({ app: "slug-stg", processTypes: { web: "node a.js" }, version: "a".repeat(64) });
    heroku.seed.deploy({ app: "slug-prd", processTypes: { web: "node b.js" } });
    const releaseAgain = () => call(heroku, "POST", "/apps/slug-prd/releases", { body: { slug: slug.id, description: "again" } });
    expect((await call(heroku, "GET", `/apps/slug-prd/slugs/${slug.id}`)).status).toBe(404);
    expect((await releaseAgain()).status).toBe(404);

    const pipeline = heroku.seed.pipeline({ name: "slug-flow" });
    heroku.seed.coupling({ app: "slug-stg", pipeline: pipeline.id, stage: "staging" });
    heroku.seed.coupling({ app: "slug-prd", pipeline: pipeline.id, stage: "production" });
    const promoted = await call(heroku, "POST", "/pipeline-promotions", {
      body: { pipeline: { id: pipeline.id }, source: { app: { id: staging.id } }, targets: [{ app: { id: production.id } }] },
    });
    expect(promoted.status).toBe(201);
    heroku.settle();
    expect(record((await call(heroku, "GET", `/apps/slug-prd/slugs/${slug.id}`)).body)).toMatchObject({ id: slug.id, commit: "a".repeat(64) });
    const again = await releaseAgain();
    expect(again.status).toBe(201);
    expect(record(again.body)).toMatchObject({ slug: { id: slug.id }, description: "again" });
    expect(heroku.violations).toHaveLength(violations);
  });
});
