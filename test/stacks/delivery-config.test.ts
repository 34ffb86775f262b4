/**
 * The stack settings of pipelines, extra add-ons and smoke checks: what the
 * model makes of them, and every mistake reported with its config path and
 * the command that fixes it.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AppSpec } from "../../stacks/app-spec";
import { buildEnvironment, type BuildResult } from "../../stacks/environment";
import { APP_SPECS } from "../../stacks/specs";
import { build, completeConfig, editJson, problemsOf, type TestConfig } from "./fixtures";

type Apps = Record<string, Record<string, unknown>>;

function withAddons(stack: "staging" | "production", app: string, addons: unknown): TestConfig {
  return editJson<Apps>(completeConfig(stack), "fleet:apps", (apps) => {
    apps[app] = { ...apps[app], addons };
  });
}

function model(result: BuildResult) {
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result.model;
}

describe("pipelines in the model", () => {
  it("production owns a pipeline per app whose slug can move between stacks; staging joins production's", () => {
    const production = model(build("production", completeConfig("production")));
    expect(production.promoteTo).toBeUndefined();
    expect(production.apps.find((a) => a.name === "shop-sentiment")?.pipeline).toEqual({ kind: "owner", name: "fleet-shop-sentiment", adopt: false });
    expect(production.apps.find((a) => a.name === "euterpe")?.pipeline).toEqual({ kind: "owner", name: "fleet-euterpe", adopt: true });
    const web = production.apps.find((a) => a.name === "threads-web")!;
    expect(web.pipeline).toBeUndefined();
    expect(web.pipelineNote).toMatch(/compiles in NEXT_PUBLIC_API_BASE_URL, SITE_URL/);

    const staging = model(build("staging", completeConfig("staging")));
    expect(staging.promoteTo).toBe("production");
    expect(staging.apps.find((a) => a.name === "zoomer-bot")?.pipeline).toEqual({ kind: "member", fromStack: "production" });
  });

  it("refuses promoteTo on a production stack, on the stack itself, and a name that is no stack name", () => {
    const production = completeConfig("production");
    production.values["fleet:promoteTo"] = "staging";
    expect(problemsOf(build("production", production))).toEqual([
      {
        where: "fleet:promoteTo",
        what: "is staging, but stack production is on the production tier: production ends the pipeline (it owns it) and promotes to nothing",
        fix: "pulumi config rm fleet:promoteTo --stack production",
      },
    ]);
    const self = completeConfig("staging");
    self.values["fleet:promoteTo"] = "staging";
    expect(problemsOf(build("staging", self))).toEqual([
      { where: "fleet:promoteTo", what: "names stack staging itself: a stack promotes to another one", fix: "pulumi config rm fleet:promoteTo --stack staging, or name the production stack" },
    ]);
    const odd = completeConfig("staging");
    odd.values["fleet:promoteTo"] = "prod uction";
    const [problem] = problemsOf(build("staging", odd));
    expect(problem).toMatchObject({ where: "fleet:promoteTo", what: expect.stringMatching(/is not a stack name/) });
  });
});

describe("extra add-ons in the model", () => {
  it("names each with its plan, the vars fleet knows it sets, and protection by what it keeps", () => {
    const m = model(build("production", withAddons("production", "shop-sentiment", { papertrail: "papertrail:choklad", apm: "newrelic:wayne", cache: "memcachier:dev", other: "bonsai:sandbox-10" })));
    const shop = m.apps.find((a) => a.name === "shop-sentiment")!;
    expect(shop.addons.map((a) => [a.name, a.plan, a.configVars, a.protect])).toEqual([
      ["papertrail", "papertrail:choklad", ["PAPERTRAIL_API_TOKEN"], true],
      ["apm", "newrelic:wayne", ["NEW_RELIC_LICENSE_KEY", "NEW_RELIC_LOG"], true],
      ["cache", "memcachier:dev", ["MEMCACHIER_SERVERS", "MEMCACHIER_USERNAME", "MEMCACHIER_PASSWORD"], false],
      ["other", "bonsai:sandbox-10", undefined, true],
    ]);
    expect(shop.addons.map((a) => a.protectReason)).toEqual([
      "protected: it keeps searchable log history and archives",
      "protected: it keeps APM metrics and traces",
      "not protected: it keeps nothing but a cache",
      "protected: fleet does not know the service, so it may hold data",
    ]);
    const staging = model(build("staging", withAddons("staging", "shop-sentiment", { papertrail: "papertrail:choklad" })));
    expect(staging.apps.find((a) => a.name === "shop-sentiment")?.addons[0]).toMatchObject({ protect: false, protectReason: "not protected outside production" });
  });

  it("count the vars an add-on sets among those the app requires, and refuse a plain value for one", () => {
    const shop = APP_SPECS.find((s) => s.name === "shop-sentiment")!;
    const apm = { ...shop, env: { shape: { ...shop.env.shape, NEW_RELIC_LICENSE_KEY: z.string().min(1) } } } as AppSpec;
    const specs = APP_SPECS.map((s) => (s.name === "shop-sentiment" ? apm : s));
    const run = (config: TestConfig) => buildEnvironment({ stack: "staging", specs, raw: { values: config.values, secretKeys: new Set(config.secretKeys) } });

    expect(problemsOf(run(completeConfig("staging")))).toEqual([
      expect.objectContaining({ where: "shop-sentiment NEW_RELIC_LICENSE_KEY", what: expect.stringMatching(/nothing supplies it/) }),
    ]);
    const supplied = model(run(withAddons("staging", "shop-sentiment", { newrelic: "newrelic:wayne" })));
    expect(supplied.apps.find((a) => a.name === "shop-sentiment")?.vars.find((v) => v.name === "NEW_RELIC_LICENSE_KEY")).toMatchObject({
      source: "addon",
      secret: true,
      required: true,
      origin: "add-on newrelic:wayne (newrelic)",
    });

    const overridden = editJson<Apps>(withAddons("staging", "shop-sentiment", { newrelic: "newrelic:wayne" }), "fleet:apps", (apps) => {
      apps["shop-sentiment"] = { ...apps["shop-sentiment"], config: { NEW_RELIC_LICENSE_KEY: "abc" } };
    });
    expect(problemsOf(run(overridden))).toEqual([
      {
        where: "fleet:apps.shop-sentiment.config.NEW_RELIC_LICENSE_KEY",
        what: "cannot be set here: the add-on newrelic:wayne (newrelic) sets it, so this value would be ignored",
        fix: "pulumi config rm --path 'fleet:apps.shop-sentiment.config.NEW_RELIC_LICENSE_KEY' --stack staging; its value comes from the add-on (fleet:apps.shop-sentiment.addons)",
      },
    ]);
  });

  it("refuse what fleet provisions itself, its own add-on names, a service twice, and plans that are not service:plan", () => {
    const problems = problemsOf(
      build(
        "staging",
        withAddons("staging", "shop-sentiment", { db: "heroku-postgresql:essential-0", redis: "papertrail:choklad", logs: "papertrail:fixa", "Bad Name": "x:y", plain: "papertrail" }),
      ),
    );
    expect(problems).toEqual([
      {
        where: "fleet:apps.shop-sentiment.addons.Bad Name",
        what: "is not an add-on name (1–30 lowercase letters, digits or dashes, a letter first)",
        fix: "rename it in Pulumi.staging.yaml",
      },
      {
        where: "fleet:apps.shop-sentiment.addons.plain",
        what: 'is not an add-on plan: write <service>:<plan>, as `heroku addons:create` takes it (given "papertrail" (text))',
        fix: "pulumi config set --path 'fleet:apps.shop-sentiment.addons.plain' <value> --stack staging",
      },
      {
        where: "fleet:apps.shop-sentiment.addons.db",
        what: "is heroku-postgresql:essential-0, which fleet manages itself: fleet provisions each app's Postgres: choose its plan with fleet:apps.shop-sentiment.plans.postgres or share one with fleet:databases",
        fix: "pulumi config rm --path 'fleet:apps.shop-sentiment.addons.db' --stack staging",
      },
      {
        where: "fleet:apps.shop-sentiment.addons.redis",
        what: "'redis' is the name fleet gives the app's own redis add-on",
        fix: "give it another name: pulumi config rm --path 'fleet:apps.shop-sentiment.addons.redis' --stack staging, then set it again under another key",
      },
    ]);
    const twice = problemsOf(build("staging", withAddons("staging", "shop-sentiment", { logs: "papertrail:choklad", more: "papertrail:fixa" })));
    expect(twice).toEqual([
      {
        where: "fleet:apps.shop-sentiment.addons.more",
        what: "is a second papertrail add-on (fleet:apps.shop-sentiment.addons.logs is one): both would set the same config vars",
        fix: "pulumi config rm --path 'fleet:apps.shop-sentiment.addons.more' --stack staging",
      },
    ]);
  });
});

describe("smoke checks in the model", () => {
  it("every web app with a health path, 300 s unless the stack says otherwise; none for a worker", () => {
    const m = model(build("production", completeConfig("production")));
    expect(Object.fromEntries(m.apps.map((a) => [a.name, a.smokeCheck]))).toEqual({
      "steam-reviews": { path: "/health", timeoutSeconds: 300 },
      "shop-sentiment": { path: "/health", timeoutSeconds: 300 },
      euterpe: { path: "/health", timeoutSeconds: 300 },
      "threads-api": { path: "/health", timeoutSeconds: 300 },
      "threads-web": { path: "/health", timeoutSeconds: 300 },
      "zoomer-bot": undefined,
    });
  });

  it("refuses a timeout outside 10–1800 s, and anything but false or a map", () => {
    const config = editJson<Apps>(completeConfig("staging"), "fleet:apps", (apps) => {
      apps["euterpe"] = { smokeCheck: { timeoutSeconds: 5 } };
      apps["threads-web"] = { smokeCheck: true };
    });
    const problems = problemsOf(build("staging", config));
    expect(problems.map((p) => [p.where, p.what])).toEqual([
      ["fleet:apps.euterpe.smokeCheck.timeoutSeconds", "is 5 (a number); expected at least 10"],
      ["fleet:apps.threads-web.smokeCheck", "must be false, or { timeoutSeconds: 10–1800 } (given true)"],
    ]);
  });
});
