/**
 * App provider against the double: the full lifecycle, what replaces and
 * what updates, adoption of an existing app (and never taking one over
 * without it), drift, and a create whose answer was lost.
 */
import { describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import {
  checkFailures,
  createResource,
  diffResource,
  readResource,
  structProblems,
  updateResource,
} from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
useHerokuDouble((h) => {
  heroku = h;
});

const appsNamed = (name: string) => [...heroku.state.apps.values()].filter((a) => a.name === name);

describe("App", () => {
  it("rejects invalid names in check, with the rule", async () => {
    const failures = await checkFailures("app", { name: "Shop_Staging" });
    expect(failures).toEqual([{ property: "name", reason: expect.stringMatching(/not a valid Heroku app name: lowercase letters, digits and dashes/) }]);
    expect(await checkFailures("app", { name: "ab" })).toEqual([{ property: "name", reason: expect.stringMatching(/3 to 30/) }]);
    expect(await checkFailures("app", { name: "a".repeat(31) })).toHaveLength(1);
  });

  it("applies the defaults in check", async () => {
    const checked = await providers.app.check?.({}, { name: "defaults-app" });
    expect(checked?.inputs).toEqual({ name: "defaults-app", region: "us", stack: "heroku-24" });
  });

  it("creates, reads the same, updates in place, deletes, and reads it gone", async () => {
    const app = await createResource("app", { name: "life-app", acm: false, features: { "runtime-dyno-metadata": true } });
    expect(structProblems(app.outputs)).toEqual([]);
    expect(app.outputs).toMatchObject({
      name: "life-app",
      region: "us",
      stack: "heroku-24",
      acm: false,
      maintenance: false,
      features: { "runtime-dyno-metadata": true },
      adopted: false,
    });
    expect(app.id).toBe(app.outputs["appId"]);
    expect(String(app.outputs["webUrl"])).toMatch(/^https:\/\/life-app-[0-9a-f]{12}\.herokuapp\.com\/$/);

    expect(await readResource(app)).toEqual({ id: app.id, props: app.outputs });
    expect((await diffResource(app, { name: "life-app", acm: false, features: { "runtime-dyno-metadata": true } })).changes).toBe(false);

    const next = { name: "life-app-renamed", maintenance: true, acm: true, features: { "runtime-dyno-metadata": false } };
    const diff = await diffResource(app, next);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    await updateResource(app, next);
    expect(app.outputs).toMatchObject({ appId: app.id, name: "life-app-renamed", maintenance: true, acm: true, features: { "runtime-dyno-metadata": false } });
    expect(heroku.state.app(app.id)?.name).toBe("life-app-renamed");
    expect(await readResource(app)).toEqual({ id: app.id, props: app.outputs });

    await providers.app.delete?.(app.id, app.outputs);
    expect(heroku.state.app(app.id)).toBeUndefined();
    expect((await readResource(app)).id).toBe("");
    await expect(providers.app.delete?.(app.id, app.outputs)).resolves.toBeUndefined();
  });

  it("replaces (deleting first) for region or team, updates for name and stack", async () => {
    const app = await createResource("app", { name: "diff-app" });
    expect(await diffResource(app, { name: "diff-app", region: "eu" })).toMatchObject({ changes: true, replaces: ["region"], deleteBeforeReplace: true });
    expect(await diffResource(app, { name: "diff-app", team: "fleet" })).toMatchObject({ replaces: ["team"], deleteBeforeReplace: true });
    expect(await diffResource(app, { name: "diff-app-2" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diffResource(app, { name: "diff-app", stack: "heroku-22" })).toMatchObject({ changes: true, replaces: [] });
    await updateResource(app, { name: "diff-app", stack: "heroku-22" });
    expect(app.outputs["stack"]).toBe("heroku-22");
    expect(heroku.state.app(app.id)?.buildStack).toBe("heroku-22");
  });

  it("creates team apps through /teams/apps", async () => {
    const app = await createResource("app", { name: "team-app-1", team: "fleet" });
    expect(app.outputs["team"]).toBe("fleet");
    expect(heroku.state.app("team-app-1")?.team?.name).toBe("fleet");
  });

  it("shows a hand-made change on refresh and plans to undo it", async () => {
    const app = await createResource("app", { name: "drift-app", maintenance: false, features: { "runtime-dyno-metadata": true } });
    heroku.handEdit.app("drift-app", { maintenance: true });
    heroku.handEdit.feature("drift-app", "runtime-dyno-metadata", false);
    const read = await readResource(app);
    expect(read.props).toMatchObject({ maintenance: true, features: { "runtime-dyno-metadata": false } });
    app.outputs = read.props;
    expect(await diffResource(app, { name: "drift-app", maintenance: false, features: { "runtime-dyno-metadata": true } })).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  describe("adoption", () => {
    it("takes over the existing app without creating a second one and leaves unmanaged settings alone", async () => {
      heroku.seed.app({ name: "legacy-app", region: "eu", configVars: { LEGACY: "keep-me" }, maintenance: true });
      const before = heroku.state.app("legacy-app");
      const app = await createResource("app", { name: "legacy-app", region: "eu", adopt: true, features: { "runtime-dyno-metadata": true } });
      expect(appsNamed("legacy-app")).toHaveLength(1);
      expect(app.id).toBe(before?.id);
      expect(app.outputs).toMatchObject({ adopted: true, region: "eu", maintenance: true, features: { "runtime-dyno-metadata": true } });
      expect(heroku.state.userConfigVars("legacy-app")).toEqual({ LEGACY: "keep-me" });
      expect(heroku.state.app("legacy-app")?.maintenance).toBe(true);
    });

    it("fails clearly when the app does not match region, team or stack", async () => {
      heroku.seed.app({ name: "legacy-us", region: "us" });
      await expect(createResource("app", { name: "legacy-us", region: "eu", team: "fleet", adopt: true })).rejects.toThrow(
        /Adopting app legacy-us: the existing app does not match the stack config: region is us, config says eu; team is \(none: personal app\), config says fleet/,
      );
      expect(appsNamed("legacy-us")).toHaveLength(1);
    });

    it("adopts an app on an older stack and moves its next build to the requested one", async () => {
      heroku.seed.app({ name: "legacy-22", region: "us", stack: "heroku-22" });
      const app = await createResource("app", { name: "legacy-22", region: "us", stack: "heroku-24", adopt: true });
      expect(appsNamed("legacy-22")).toHaveLength(1);
      expect(app.outputs).toMatchObject({ adopted: true, stack: "heroku-24" });
      expect(heroku.state.app("legacy-22")?.buildStack).toBe("heroku-24");
    });

    it("fails clearly when the app is not there", async () => {
      await expect(createResource("app", { name: "ghost-app", adopt: true })).rejects.toThrow(
        /adopt is set but no app named ghost-app is visible to HEROKU_API_KEY \(404\)/,
      );
      expect(appsNamed("ghost-app")).toHaveLength(0);
    });

    it("refuses to replace an adopted app", async () => {
      heroku.seed.app({ name: "legacy-keep", region: "us" });
      const app = await createResource("app", { name: "legacy-keep", adopt: true });
      await expect(diffResource(app, { name: "legacy-keep", region: "eu", adopt: true })).rejects.toThrow(/was adopted .* would delete it/);
    });

    it("forgets an adopted app on delete and never sends DELETE /apps, whatever the resource options", async () => {
      heroku.seed.app({ name: "legacy-forget", region: "us" });
      const app = await createResource("app", { name: "legacy-forget", adopt: true });
      heroku.clearRequests();
      await providers.app.delete?.(app.id, app.outputs);
      expect(heroku.state.app("legacy-forget")).toBeDefined();
      expect(heroku.requests).toEqual([]);
    });
  });

  describe("an existing app of the same name, without adopt", () => {
    const adoptCommand = (name: string) => `pulumi config set --path 'fleet:apps.shop.adoptApp' ${name}`;

    it("is refused, even in the same region and stack, with the command that adopts it; nothing on it changes", async () => {
      heroku.seed.app({ name: "someone-elses", region: "us", stack: "heroku-24", maintenance: true });
      const before = heroku.state.app("someone-elses");
      const error = await createResource("app", { name: "someone-elses", region: "us", maintenance: false, configKey: "shop" }).then(
        () => undefined,
        (e: unknown) => (e as Error).message,
      );
      expect(error).toContain("Creating app someone-elses: App someone-elses already exists on Heroku and this create did not make it");
      expect(error).toContain("fleet never takes over an app it did not create");
      expect(error).toContain(adoptCommand("someone-elses"));
      expect(error).toContain("pulumi config set --path 'fleet:apps.shop.herokuName' <another-name>");
      expect(error).toMatch(/\(Heroku refused the create: Heroku API POST \/apps answered 422 invalid_params: Name is already taken \(Request-Id: [0-9a-f-]+\)/);
      expect(appsNamed("someone-elses")).toHaveLength(1);
      expect(heroku.state.app("someone-elses")).toMatchObject({ id: before?.id, maintenance: true });
      expect(heroku.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual(["POST /apps"]);
    });

    it("is refused for a team app too, and the message names <app> when the config key is not known", async () => {
      heroku.seed.app({ name: "someone-team", region: "us", team: "fleet" });
      await expect(createResource("app", { name: "someone-team", team: "fleet" })).rejects.toThrow(
        "pulumi config set --path 'fleet:apps.<app>.adoptApp' someone-team",
      );
    });

    it("is refused when a POST's answer was lost and the app found is older than this create", async () => {
      heroku.seed.app({ name: "old-same-name", region: "us", createdAt: new Date(Date.now() - 3_600_000).toISOString() });
      heroku.faults.inject(503, { method: "POST", path: "/apps", times: 1 });
      await expect(createResource("app", { name: "old-same-name", configKey: "shop" })).rejects.toThrow(adoptCommand("old-same-name"));
      expect(heroku.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([503, 422]);
    });

    it("is refused when a POST's answer was lost and the app found has been used (a release beyond Heroku's first ones)", async () => {
      heroku.seed.app({ name: "used-same-name", region: "us", configVars: { SOMEONE: "else" } });
      heroku.faults.inject(503, { method: "POST", path: "/apps", times: 1 });
      await expect(createResource("app", { name: "used-same-name", configKey: "shop" })).rejects.toThrow(adoptCommand("used-same-name"));
      expect(heroku.state.userConfigVars("used-same-name")).toEqual({ SOMEONE: "else" });
    });
    it("names Heroku's refusal as well as the lookup's failure when the app of that name cannot be read", async () => {
      heroku.seed.app({ name: "unreadable-name", region: "us" });
      heroku.faults.inject(503, { method: "GET", path: "/apps/:app", times: 100 });
      const error = await createResource("app", { name: "unreadable-name", configKey: "shop" }).then(
        () => undefined,
        (e: unknown) => (e as Error).message,
      );
      expect(error).toMatch(
        /Creating app unreadable-name: Heroku API POST \/apps answered 422 invalid_params: Name is already taken.* Looking up the app of that name failed too: .*GET \/apps\/unreadable-name answered 503 service_unavailable/s,
      );
      expect(heroku.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["POST /apps 422"]);
    });
  });

  it("resumes a create whose answer was lost instead of creating the app twice", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps" });
    const app = await createResource("app", { name: "lost-answer-app" });
    expect(appsNamed("lost-answer-app")).toHaveLength(1);
    expect(app.id).toBe(heroku.state.app("lost-answer-app")?.id);
    expect(app.outputs["adopted"]).toBe(false);
  });

  it("resumes its own app when the answer was lost and the lookup missed it, so the resend was refused", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps", times: 1 });
    // The lookup right after the lost answer does not see the new app yet (eventual consistency).
    heroku.faults.inject(404, { method: "GET", path: "/apps/:app", times: 1 });
    const app = await createResource("app", { name: "lagging-app" });
    expect(heroku.requests.filter((r) => r.method === "POST").map((r) => r.handledStatus)).toEqual([201, 422]);
    expect(app.id).toBe(heroku.state.app("lagging-app")?.id);
    expect(appsNamed("lagging-app")).toHaveLength(1);
  });

  it("names the lost answer and the failed lookup when it cannot tell whether the app was made", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps", times: 1 });
    heroku.faults.inject(503, { method: "GET", path: "/apps/:app", times: 50 });
    const error = await createResource("app", { name: "unsure-app" }).then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
    expect(error).toMatch(/Creating app unsure-app: Heroku API POST \/apps got no answer \(.*\).*Heroku may have made the object anyway; looking it up to resume failed: .*GET \/apps\/unsure-app answered 503 service_unavailable/);
  });
});
