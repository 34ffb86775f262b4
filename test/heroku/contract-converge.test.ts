/**
 * Every create converges after a failure past its POST: the object a failed
 * create left on fleet's own app (an orphan) is taken back — exactly once, no
 * second object — by the next create with the same identity; an object of
 * that identity that belongs to something else is an error naming it; and an
 * error names the original failure as well as the lookup's.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { herokuStats, resetHerokuStats } from "../../components/heroku/client";
import type { HerokuDouble } from "../heroku-double/index";
import { createResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "orphan-app" }).id;
  h.seed.app({ name: "orphan-other" });
});
beforeEach(() => resetHerokuStats());

const refusedPosts = () => heroku.requests.filter((r) => r.method === "POST" && r.status === 422).length;
const drainUrl = (n: number) => `syslog+tls://orphans:drain-secret-${n}@logs.example.com:6514`;

describe("an orphan on fleet's own app is taken back exactly once", () => {
  it("add-on of the same name", async () => {
    const orphan = heroku.seed.addon({ app: "orphan-app", plan: "heroku-postgresql:essential-0", name: "orphan-db" });
    const db = await createResource("addon", { app: appId, plan: "heroku-postgresql:essential-0", name: "orphan-db" });
    expect(db.id).toBe(orphan.id);
    expect(heroku.state.addonsOf("orphan-app").filter((a) => a.service === "heroku-postgresql")).toHaveLength(1);
    expect(db.outputs).toMatchObject({ state: "provisioned", configVarNames: expect.arrayContaining([expect.stringMatching(/_URL$/)]) });
    expect({ takeBacks: herokuStats().takeBacks, refused: refusedPosts() }).toEqual({ takeBacks: 1, refused: 1 });
  });

  it("add-on behind the same attachment name", async () => {
    const orphan = heroku.seed.addon({ app: "orphan-app", plan: "heroku-redis:mini", attachmentName: "CACHE" });
    const cache = await createResource("addon", { app: appId, plan: "heroku-redis:mini", attachmentName: "CACHE" });
    expect(cache.id).toBe(orphan.id);
    expect(heroku.state.addonsOf("orphan-app").filter((a) => a.service === "heroku-redis")).toHaveLength(1);
    expect(cache.outputs["configVarNames"]).toEqual(["CACHE_URL"]);
    expect({ takeBacks: herokuStats().takeBacks, refused: refusedPosts() }).toEqual({ takeBacks: 1, refused: 1 });
  });

  it("attachment of the same name to the same add-on", async () => {
    const shared = heroku.seed.addon({ app: "orphan-other", plan: "heroku-postgresql:essential-0", name: "orphan-shared-db" });
    const orphan = heroku.seed.attachment({ addon: shared.id, app: "orphan-app", name: "SHARED_DATABASE" });
    const attachment = await createResource("attachment", { addon: shared.id, app: appId, name: "SHARED_DATABASE" });
    expect(attachment.id).toBe(orphan.id);
    expect(heroku.state.attachmentsOf("orphan-app").filter((a) => a.name === "SHARED_DATABASE")).toHaveLength(1);
    expect(Object.keys(attachment.outputs["configVars"] as object)).toEqual(["SHARED_DATABASE_URL"]);
    expect({ takeBacks: herokuStats().takeBacks, refused: refusedPosts() }).toEqual({ takeBacks: 1, refused: 1 });
  });

  it("domain of the same hostname (which Heroku calls in use by another app)", async () => {
    const orphan = heroku.seed.domain({ app: "orphan-app", hostname: "orphan.example.com" });
    const domain = await createResource("domain", { app: appId, hostname: "orphan.example.com" });
    expect(heroku.requests.find((r) => r.status === 422)?.path).toBe(`/apps/${appId}/domains`);
    expect(domain.id).toBe(orphan.id);
    expect(domain.outputs["cname"]).toBe(orphan.cname);
    expect(heroku.state.domainsOf("orphan-app").filter((d) => d.hostname === "orphan.example.com")).toHaveLength(1);
    expect({ takeBacks: herokuStats().takeBacks, refused: refusedPosts() }).toEqual({ takeBacks: 1, refused: 1 });
  });

  it("log drain of the same URL", async () => {
    const orphan = heroku.seed.drain({ app: "orphan-app", url: drainUrl(1) });
    const drain = await createResource("drain", { app: appId, url: drainUrl(1) });
    expect(drain.id).toBe(orphan.id);
    expect(drain.outputs["token"]).toBe(orphan.token);
    expect(heroku.state.drainsOf("orphan-app").filter((d) => d.url === drainUrl(1))).toHaveLength(1);
    expect({ takeBacks: herokuStats().takeBacks, refused: refusedPosts() }).toEqual({ takeBacks: 1, refused: 1 });
  });

  it("pipeline coupling to the same pipeline, moved to the stage asked for", async () => {
    const pipeline = heroku.seed.pipeline({ name: "orphan-pipeline" });
    const orphan = heroku.seed.coupling({ app: "orphan-app", pipeline: pipeline.id, stage: "staging" });
    const coupling = await createResource("pipelineCoupling", { app: appId, pipeline: pipeline.id, stage: "production" });
    expect(coupling.id).toBe(orphan.id);
    expect(heroku.state.couplingOf("orphan-app")).toMatchObject({ id: orphan.id, stage: "production" });
    expect(herokuStats().takeBacks).toBe(1);
  });

  it("Postgres credential of the same name on the same database", async () => {
    const db = heroku.seed.addon({ app: "orphan-app", plan: "heroku-postgresql:standard-0", name: "orphan-standard-db" });
    heroku.seed.pgCredential({ addon: db.id, name: "orphan_role" });
    const credential = await createResource("postgresCredential", { addon: db.id, name: "orphan_role", plan: "heroku-postgresql:standard-0" });
    expect(credential.outputs).toMatchObject({ credentialName: "orphan_role", state: "active" });
    expect(heroku.state.pgCredentials(db.id).filter((c) => c.name === "orphan_role")).toHaveLength(1);
    expect(herokuStats().takeBacks).toBe(1);
  });
});

describe("an object of the same identity that belongs to something else is an error naming it", () => {
  it("an attachment of that name exposing another add-on", async () => {
    const theirs = heroku.seed.addon({ app: "orphan-other", plan: "heroku-postgresql:essential-0", name: "theirs-db" });
    const ours = heroku.seed.addon({ app: "orphan-other", plan: "heroku-postgresql:essential-0", name: "ours-db" });
    heroku.seed.attachment({ addon: theirs.id, app: "orphan-app", name: "REPORTING_DATABASE" });
    await expect(createResource("attachment", { addon: ours.id, app: appId, name: "REPORTING_DATABASE" })).rejects.toThrow(
      /An attachment named REPORTING_DATABASE already exists on app orphan-app and exposes add-on theirs-db, not [0-9a-f-]{36}: detach it \(heroku addons:detach REPORTING_DATABASE --app orphan-app\) or give this attachment another name\. \(Heroku refused the create: Heroku API POST \/addon-attachments answered 422/,
    );
    expect(heroku.state.attachmentsOf("orphan-app").find((a) => a.name === "REPORTING_DATABASE")?.addonId).toBe(theirs.id);
    expect(herokuStats().takeBacks).toBe(0);
  });

  it("an add-on name held by an add-on of another app", async () => {
    heroku.seed.addon({ app: "orphan-other", plan: "heroku-postgresql:essential-0", name: "elsewhere-db" });
    await expect(createResource("addon", { app: appId, plan: "heroku-postgresql:essential-0", name: "elsewhere-db" })).rejects.toThrow(
      /The name elsewhere-db belongs to add-on elsewhere-db \(heroku-postgresql:essential-0\), billed to app orphan-other, not a heroku-postgresql add-on of app [0-9a-f-]{36}: choose another name/,
    );
    expect(heroku.state.addonsOf("orphan-app").some((a) => a.name === "elsewhere-db")).toBe(false);
  });

  it("a drain of that URL installed by an add-on, without showing the URL", async () => {
    const papertrail = heroku.seed.addon({ app: "orphan-app", plan: "papertrail:choklad" });
    const installed = heroku.state.drainsOf("orphan-app").find((d) => d.addonId === papertrail.id);
    expect(installed).toBeDefined();
    const error = await createResource("drain", { app: appId, url: installed?.url ?? "" }).then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
    expect(error).toMatch(new RegExp(`A log drain with this URL \\(not shown: it may hold credentials\\) exists on app ${appId}, installed by add-on ${papertrail.id}`));
    expect(error).not.toContain(installed?.url ?? "(none)");
  });

  it("a coupling of the app to another pipeline", async () => {
    const first = heroku.seed.pipeline({ name: "first-pipeline" });
    const second = heroku.seed.pipeline({ name: "second-pipeline" });
    const app = heroku.seed.app({ name: "orphan-coupled" });
    heroku.seed.coupling({ app: app.id, pipeline: first.id, stage: "staging" });
    await expect(createResource("pipelineCoupling", { app: app.id, pipeline: second.id, stage: "staging" })).rejects.toThrow(
      `App ${app.id} is already coupled to pipeline ${first.id} (stage staging): remove it from that pipeline first`,
    );
  });

  it("a hostname on another app keeps Heroku's refusal and says where to remove it", async () => {
    heroku.seed.domain({ app: "orphan-other", hostname: "taken.example.com" });
    await expect(createResource("domain", { app: appId, hostname: "taken.example.com" })).rejects.toThrow(
      /taken\.example\.com is currently in use by another app.*remove it there first \(heroku domains:remove taken\.example\.com --app <that app>\)/,
    );
    expect(heroku.state.domainsOf("orphan-app").some((d) => d.hostname === "taken.example.com")).toBe(false);
  });
});

describe("a lookup that fails after Heroku refused the create", () => {
  it("is an error naming the refusal first, then the lookup's failure; nothing is taken back", async () => {
    heroku.seed.domain({ app: "orphan-app", hostname: "unreadable.example.com" });
    heroku.faults.inject(503, { method: "GET", path: "/apps/:app/domains/:domain", times: 100 });
    const error = await createResource("domain", { app: appId, hostname: "unreadable.example.com" }).then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
    expect(error).toMatch(
      /Heroku API POST \/apps\/[0-9a-f-]{36}\/domains answered 422 .*in use by another app.* Looking up the existing domain unreadable\.example\.com on app [0-9a-f-]{36} to take it back failed too: .*answered 503 service_unavailable/s,
    );
    expect(herokuStats().takeBacks).toBe(0);
    expect(heroku.state.domainsOf("orphan-app").filter((d) => d.hostname === "unreadable.example.com")).toHaveLength(1);
  });
});

/**
 * The real thing: the POST is carried out but its answer is lost, and the
 * lookup that would resume it keeps failing, so the create gives up with an
 * orphan behind it. The error says both; the next create takes the orphan back.
 */
describe("a create that failed past its POST converges on the next run", () => {
  const cases = [
    {
      kind: "domain",
      post: "/apps/:app/domains",
      lookup: "/apps/:app/domains/:domain",
      inputs: () => ({ app: appId, hostname: "lost.example.com" }),
      count: () => heroku.state.domainsOf("orphan-app").filter((d) => d.hostname === "lost.example.com").length,
    },
    {
      kind: "drain",
      post: "/apps/:app/log-drains",
      lookup: "/apps/:app/log-drains",
      inputs: () => ({ app: appId, url: drainUrl(2) }),
      count: () => heroku.state.drainsOf("orphan-app").filter((d) => d.url === drainUrl(2)).length,
    },
    {
      kind: "attachment",
      post: "/addon-attachments",
      lookup: "/apps/:app/addon-attachments/:attachment",
      inputs: () => ({ addon: "lost-shared-db", app: appId, name: "LOST_DATABASE" }),
      count: () => heroku.state.attachmentsOf("orphan-app").filter((a) => a.name === "LOST_DATABASE").length,
    },
    {
      kind: "addon",
      post: "/apps/:app/addons",
      lookup: "/addons/:addon",
      inputs: () => ({ app: appId, plan: "heroku-redis:mini", name: "lost-cache" }),
      count: () => heroku.state.addonsOf("orphan-app").filter((a) => a.name === "lost-cache").length,
    },
  ] as const;

  it.each(cases)("$kind", async ({ kind, post, lookup, inputs, count }) => {
    if (kind === "attachment") heroku.seed.addon({ app: "orphan-other", plan: "heroku-postgresql:essential-0", name: "lost-shared-db" });
    heroku.faults.inject("commit-then-drop", { method: "POST", path: post, times: 1 });
    heroku.faults.inject(503, { method: "GET", path: lookup, times: 100 });
    const first = await createResource(kind, inputs()).then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
    expect(first).toMatch(/got no answer \(.*\).*Heroku may have made the object anyway; looking it up to resume failed: .*answered 503 service_unavailable/s);
    expect(count()).toBe(1);

    heroku.faults.clear();
    resetHerokuStats();
    heroku.settle();
    await createResource(kind, inputs());
    expect(count()).toBe(1);
    expect(herokuStats().takeBacks).toBe(1);
  });
});
