/**
 * The program under the mock runtime, for what happens after a build: the
 * staging → production pipelines (production owns them and publishes their
 * ids, staging couples to them through a StackReference), extra add-ons from
 * the stack, and the smoke check of each release.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type Registered, type RunResult } from "../harness/program";
import { completeConfig, editJson, type TestConfig } from "./fixtures";
import { outputs as serviceOutputs } from "../harness/service-outputs";

const T = {
  pipeline: "pulumi-nodejs:dynamic/heroku:Pipeline",
  coupling: "pulumi-nodejs:dynamic/heroku:PipelineCoupling",
  smoke: "pulumi-nodejs:dynamic/heroku:SmokeCheck",
  addon: "pulumi-nodejs:dynamic/heroku:Addon",
  app: "pulumi-nodejs:dynamic/heroku:App",
  build: "pulumi-nodejs:dynamic/heroku:Build",
  domain: "pulumi-nodejs:dynamic/heroku:Domain",
  stackReference: "pulumi:pulumi:StackReference",
};
const PROMOTABLE = ["steam-reviews", "shop-sentiment", "euterpe", "threads-api", "zoomer-bot"];
type Apps = Record<string, Record<string, unknown>>;

/** What the services would answer, plus pipeline ids and a certificate issued or not. */
function outputs(certificateIssued: boolean) {
  return (type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> => {
    const base = serviceOutputs(type, name, inputs);
    switch (type) {
      case T.pipeline:
        return { pipelineId: `pipeline-${name}`, name: inputs["name"] };
      case T.domain:
        return { ...base, acmStatus: certificateIssued ? "cert issued" : "pending", certificateIssued };
      default:
        return base;
    }
  };
}

function run(stack: "staging" | "production", config: TestConfig, options: { certificateIssued?: boolean; production?: Record<string, unknown> } = {}): Promise<RunResult> {
  return runProgram({
    stack,
    config: config.values,
    secretKeys: config.secretKeys,
    outputs: outputs(options.certificateIssued ?? true),
    ...(options.production ? { referencedStacks: { production: options.production } } : {}),
  });
}

const byName = (result: RunResult, name: string): Registered => {
  const found = result.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
};
const ofType = (result: RunResult, type: string): Registered[] => result.resources.filter((r) => r.type === type);

describe("pipelines", () => {
  let production: RunResult;
  beforeAll(async () => {
    production = await run("production", completeConfig("production"));
  }, 120_000);

  it("production owns one pipeline per promotable app and couples the app as production", () => {
    expect(production.error).toBeUndefined();
    expect(ofType(production, T.pipeline).map((r) => [r.name, r.inputs["name"]]).sort()).toEqual(PROMOTABLE.map((app) => [`${app}-pipeline`, `fleet-${app}`]).sort());
    for (const app of PROMOTABLE) {
      const coupling = byName(production, `${app}-coupling`);
      expect(coupling.inputs).toMatchObject({ app: app === "euterpe" ? "uuid-euterpe" : `uuid-fleet-${app}`, pipeline: `pipeline-${app}-pipeline`, stage: "production" });
      expect(coupling.parent).toBe(byName(production, app).urn);
    }
  });

  it("leaves threads-web out: its bundle compiles in each stack's URLs", () => {
    expect(production.resources.some((r) => r.name.startsWith("threads-web-pipeline") || r.name === "threads-web-coupling")).toBe(false);
  });

  it("lets euterpe, an adopted app, bring the pipeline it is in, which is then never deleted", () => {
    const pipeline = byName(production, "euterpe-pipeline");
    expect(pipeline.inputs["adoptFromApp"]).toBe("uuid-euterpe");
    expect(pipeline.retainOnDelete).toBe(true);
    expect(byName(production, "euterpe-coupling").retainOnDelete).toBe(true);
    expect(byName(production, "shop-sentiment-pipeline").inputs["adoptFromApp"]).toBeUndefined();
    expect(byName(production, "shop-sentiment-pipeline").retainOnDelete).toBe(false);
  });

  it("publishes the pipelines in the stack output 'pipelines', and reads no other stack", () => {
    expect(production.outputs["pipelines"]).toEqual(
      Object.fromEntries(PROMOTABLE.map((app) => [app, { id: `pipeline-${app}-pipeline`, name: `fleet-${app}` }])),
    );
    expect(production.reads.filter((r) => r.type === T.stackReference).map((r) => r.id)).toEqual(["organization/fleet/production"]);
  });

  it("staging couples each app, as staging, to the pipeline production published", async () => {
    const staging = await run("staging", completeConfig("staging"), { production: { pipelines: production.outputs["pipelines"] } });
    expect(staging.error).toBeUndefined();
    expect(ofType(staging, T.pipeline)).toEqual([]);
    expect(ofType(staging, T.coupling).map((r) => [r.name, r.inputs["pipeline"], r.inputs["stage"]]).sort()).toEqual(
      PROMOTABLE.map((app) => [`${app}-coupling`, `pipeline-${app}-pipeline`, "staging"]).sort(),
    );
    expect(staging.reads.filter((r) => r.type === T.stackReference).map((r) => r.id).sort()).toEqual(["organization/fleet/production", "organization/fleet/staging"]);
    expect(staging.outputs["pipelines"]).toEqual({});
  }, 120_000);

  it("staging deployed before production couples nothing, and the apps production has no pipeline for join none", async () => {
    const first = await run("staging", completeConfig("staging"));
    expect(first.error).toBeUndefined();
    expect(ofType(first, T.coupling)).toEqual([]);

    const partial = await run("staging", completeConfig("staging"), { production: { pipelines: { "shop-sentiment": { id: "p-shop", name: "fleet-shop-sentiment" } } } });
    expect(ofType(partial, T.coupling).map((r) => r.name)).toEqual(["shop-sentiment-coupling"]);
  }, 120_000);

  it("a stack without promoteTo is in no pipeline", async () => {
    const config = completeConfig("staging");
    delete config.values["fleet:promoteTo"];
    const result = await run("staging", config);
    expect(ofType(result, T.coupling)).toEqual([]);
    expect(result.reads.filter((r) => r.type === T.stackReference)).toHaveLength(1);
  }, 120_000);
});

describe("smoke checks", () => {
  let result: RunResult;
  beforeAll(async () => {
    result = await run("production", completeConfig("production"));
  }, 120_000);

  it("check every web app's health path on its custom domain once the certificate is issued, after build, scale and DNS", () => {
    const checked = ofType(result, T.smoke).map((r) => r.name.replace(/-smoke-check$/, ""));
    expect(checked.sort()).toEqual(["euterpe", "shop-sentiment", "steam-reviews", "threads-api", "threads-web"]);
    const shop = byName(result, "shop-sentiment-smoke-check");
    expect(shop.inputs).toMatchObject({
      app: "uuid-fleet-shop-sentiment",
      url: "https://shop.fleet-apps.dev",
      path: "/health",
      releaseId: "release-shop-sentiment-build",
      releaseVersion: 12,
      timeoutSeconds: 300,
    });
    for (const dependency of ["shop-sentiment-build", "shop-sentiment-formation", "shop-sentiment-dns-cname"]) {
      expect(shop.dependencies, dependency).toContain(byName(result, dependency).urn);
    }
    expect(shop.parent).toBe(byName(result, "shop-sentiment").urn);
  });

  it("zoomer-bot, a worker without a web process, has none", () => {
    expect(result.resources.some((r) => r.name === "zoomer-bot-smoke-check")).toBe(false);
  });

  it("use the herokuapp.com URL until the certificate is issued", async () => {
    const pending = await run("production", completeConfig("production"), { certificateIssued: false });
    expect(byName(pending, "shop-sentiment-smoke-check").inputs["url"]).toMatch(/^https:\/\/fleet-shop-sentiment-[0-9a-f]{12}\.herokuapp\.com$/);
  }, 120_000);

  it("take their time from the stack, and none for an app that turns it off or runs no web dyno", async () => {
    const config = editJson<Apps>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["shop-sentiment"] = { smokeCheck: { timeoutSeconds: 45 } };
      apps["threads-web"] = { smokeCheck: false };
      apps["steam-reviews"] = { formation: { web: { quantity: 0 } } };
    });
    const changed = await run("production", config);
    expect(changed.error).toBeUndefined();
    expect(byName(changed, "shop-sentiment-smoke-check").inputs["timeoutSeconds"]).toBe(45);
    expect(changed.resources.some((r) => r.name === "threads-web-smoke-check" || r.name === "steam-reviews-smoke-check")).toBe(false);
  }, 120_000);
});

describe("extra add-ons", () => {
  it("are billed to their app under fleet's names, protected in production when they keep data, and their vars never written", async () => {
    const addons = { papertrail: "papertrail:choklad", cache: "memcachier:dev", search: "bonsai:sandbox-10" };
    const production = await run(
      "production",
      editJson<Apps>(completeConfig("production"), "fleet:apps", (apps) => {
        apps["shop-sentiment"] = { addons };
      }),
    );
    expect(production.error).toBeUndefined();
    const papertrail = byName(production, "shop-sentiment-addon-papertrail");
    expect(papertrail.inputs).toMatchObject({ app: "uuid-fleet-shop-sentiment", plan: "papertrail:choklad", name: "fleet-shop-sentiment-papertrail" });
    expect(papertrail.parent).toBe(byName(production, "shop-sentiment").urn);
    expect([papertrail.protect, papertrail.retainOnDelete]).toEqual([true, true]);
    const cache = byName(production, "shop-sentiment-addon-cache");
    expect([cache.protect, cache.retainOnDelete]).toEqual([false, false]);
    // A service fleet does not know may hold data: protected.
    expect(byName(production, "shop-sentiment-addon-search").protect).toBe(true);
    // Their vars reach the app before its release runs; fleet never writes them.
    const build = byName(production, "shop-sentiment-build");
    for (const name of ["papertrail", "cache", "search"]) expect(build.dependencies).toContain(byName(production, `shop-sentiment-addon-${name}`).urn);
    const vars = byName(production, "shop-sentiment-config").inputs["vars"] as Record<string, string>;
    expect(Object.keys(vars).filter((k) => /PAPERTRAIL|MEMCACHIER/.test(k))).toEqual([]);

    const staging = await run(
      "staging",
      editJson<Apps>(completeConfig("staging"), "fleet:apps", (apps) => {
        apps["shop-sentiment"] = { ...apps["shop-sentiment"], addons };
      }),
    );
    expect(byName(staging, "shop-sentiment-addon-papertrail").protect).toBe(false);
  }, 120_000);
});
