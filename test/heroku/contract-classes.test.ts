/**
 * The resource classes as the program registers them (mock runtime, loaded
 * through tsx like the real program): type tokens, every output key seeded,
 * secret outputs declared, the Build's SHA-256 computed from the folder.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packSource } from "../../components/heroku/source-archive";
import { runMocked, type Registered } from "../../scripts/lib/mock-run";
import { makeAppSource } from "./scenario";

const nodeRequire = createRequire(import.meta.url);
(nodeRequire("tsx/cjs/api") as { register(): () => void }).register();
const INDEX = path.resolve(import.meta.dirname, "..", "..", "components", "heroku", "index.ts");

type Ctor = new (name: string, args: Record<string, unknown>, opts?: Record<string, unknown>) => unknown;

async function registerAll(sourceDir: string): Promise<readonly Registered[]> {
  const result = await runMocked({
    stack: "test",
    config: {},
    load: () => {
      const heroku = nodeRequire(INDEX) as Record<string, Ctor>;
      const make = (kind: string, args: Record<string, unknown>) => {
        const Class = heroku[kind];
        if (!Class) throw new Error(`index.ts exports no ${kind}`);
        return new Class(`t-${kind}`, args);
      };
      make("App", { name: "cls-app" });
      make("Addon", { app: "a", plan: "heroku-postgresql:essential-0" });
      make("AddonAttachment", { addon: "x", app: "a", name: "DATABASE" });
      make("ConfigVars", { app: "a", vars: { A: "1" } });
      make("Build", { app: "a", sourceDir });
      make("Formation", { app: "a", processes: { web: { quantity: 1, size: "basic" } } });
      make("Domain", { app: "a", hostname: "x.example.com" });
      make("Drain", { app: "a", url: "https://logs.example.com" });
      make("Pipeline", { name: "pipe" });
      make("PipelineCoupling", { app: "a", pipeline: "p", stage: "staging" });
      make("SchedulerJob", { app: "a", command: "x", dynoSize: "Basic", every: 10 });
      make("PostgresCredential", { addon: "x", name: "c", plan: "standard-0" });
      make("RedisConfig", { addon: "x", maxmemoryPolicy: "allkeys-lru" });
      make("PostgresBackupSchedule", { addon: "x", hour: "02", timezone: "UTC", scheduleName: "DATABASE_URL" });
      make("OneOffRun", { app: "a", command: "node job.js", trigger: "1" });
      make("SmokeCheck", { app: "a", url: "https://x.example.com", path: "/health", releaseId: "r", timeoutSeconds: 60 });
      return {};
    },
  });
  if (result.error) throw result.error;
  return result.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/heroku:"));
}

describe("resource classes", () => {
  it("register every kind under pulumi-nodejs:dynamic/heroku:<Kind> with a serialized provider and seeded outputs", async () => {
    const source = makeAppSource({ marker: "classes" });
    const resources = await registerAll(source);
    const byType = Object.fromEntries(resources.map((r) => [r.type.replace("pulumi-nodejs:dynamic/heroku:", ""), r]));
    expect(Object.keys(byType).sort()).toEqual([
      "Addon",
      "AddonAttachment",
      "App",
      "Build",
      "ConfigVars",
      "Domain",
      "Drain",
      "Formation",
      "OneOffRun",
      "Pipeline",
      "PipelineCoupling",
      "PostgresBackupSchedule",
      "PostgresCredential",
      "RedisConfig",
      "SchedulerJob",
      "SmokeCheck",
    ]);
    for (const r of resources) expect(typeof r.inputs["__provider"], r.type).toBe("string");
    expect(byType["App"]?.inputs).toMatchObject({ name: "cls-app" });
    expect(byType["Build"]?.inputs["sourceSha256"]).toBe((await packSource(source)).sha256);
    expect(byType["Addon"]?.additionalSecretOutputs).toEqual(["configVars"]);
    expect(byType["AddonAttachment"]?.additionalSecretOutputs).toEqual(["configVars"]);
    expect(byType["ConfigVars"]?.additionalSecretOutputs).toEqual(["vars"]);
    expect(byType["Drain"]?.additionalSecretOutputs).toEqual(["url"]);
    expect(byType["PostgresCredential"]?.additionalSecretOutputs).toEqual(["password", "url"]);
    expect(byType["App"]?.additionalSecretOutputs).toEqual([]);
  }, 60_000);
});
