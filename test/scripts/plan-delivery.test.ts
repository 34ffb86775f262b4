/**
 * `npm run plan` (in-process) on pipelines, extra add-ons and smoke checks:
 * the JSON fields, the resources, the cost lines (unknown plans listed as
 * unknown, never as $0) and the text an operator reads.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { runPlan } from "../../scripts/lib/plan-command";
import type { Plan, PlanApp } from "../../scripts/lib/plan-report";
import { loadProgram } from "../harness/program";
import { ROOT } from "../stacks/fixtures";

type Yaml = Record<string, unknown>;
type Apps = Record<string, Record<string, unknown>>;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-plan-delivery-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function committed(stack: "staging" | "production"): Yaml {
  return (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Yaml }).config;
}

async function plan(name: string, config: Yaml, json = true): Promise<{ code: number; stdout: string; stderr: string }> {
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
  let stdout = "";
  let stderr = "";
  const code = await runPlan(["--stack", name, "--dir", dir, ...(json ? ["--json"] : [])], {
    stdout: async (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    loadProgram,
  });
  return { code, stdout, stderr };
}

const app = (p: Plan, name: string): PlanApp => p.apps.find((a) => a.name === name)!;

describe("the plan of a stack that promotes to production", () => {
  it("shows each app coupled as staging to a stand-in of production's pipeline, and says it could not read production", async () => {
    const run = await plan("staging", committed("staging"));
    expect(run.code, run.stderr).toBe(0);
    const p = JSON.parse(run.stdout) as Plan;
    expect(app(p, "shop-sentiment").pipeline).toEqual({ role: "member", fromStack: "production", stage: "staging" });
    expect(app(p, "shop-sentiment").resources.find((r) => r.type === "heroku:PipelineCoupling")?.inputs).toMatchObject({
      pipeline: "(pipeline of stack production)",
      stage: "staging",
    });
    expect(app(p, "threads-web").pipeline).toBeNull();
    expect(app(p, "threads-web").pipelineNote).toMatch(/^in no pipeline: its build compiles in/);
    expect(p.notChecked.some((line) => line.startsWith("pipelines: each app's coupling to the pipeline stack production owns"))).toBe(true);
  });
});

describe("the plan of production", () => {
  it("shows the pipelines it owns, the smoke checks, and extra add-ons with their vars, protection and price", async () => {
    const config = committed("production");
    (config["fleet:apps"] as Apps)["shop-sentiment"] = { addons: { papertrail: "papertrail:fixa", search: "bonsai:sandbox-10" } };
    const run = await plan("production", config);
    expect(run.code, run.stderr).toBe(0);
    const p = JSON.parse(run.stdout) as Plan;
    const shop = app(p, "shop-sentiment");
    expect(shop.pipeline).toEqual({ role: "owner", name: "fleet-shop-sentiment", adopt: false, stage: "production" });
    expect(app(p, "euterpe").pipeline).toMatchObject({ role: "owner", adopt: true });
    expect(shop.smokeCheck).toEqual({ path: "/health", timeoutSeconds: 300, url: "https://shop.fleet-apps.dev once its certificate is issued, else <web_url of fleet-shop-sentiment>" });
    expect(app(p, "zoomer-bot").smokeCheck).toBeNull();
    expect(shop.addons).toEqual([
      { name: "papertrail", plan: "papertrail:fixa", configVars: ["PAPERTRAIL_API_TOKEN"], protect: true, protection: "protected: it keeps searchable log history and archives" },
      { name: "search", plan: "bonsai:sandbox-10", configVars: null, protect: true, protection: "protected: fleet does not know the service, so it may hold data" },
    ]);
    expect(shop.resources.find((r) => r.name === "shop-sentiment-addon-papertrail")).toMatchObject({ type: "heroku:Addon", protect: true, retainOnDelete: true });
    expect(p.cost.lines.filter((l) => l.kind === "addon")).toEqual([
      { app: "shop-sentiment", kind: "addon", item: "papertrail:fixa", quantity: 1, unitUsd: 7, monthlyUsd: 7 },
      { app: "shop-sentiment", kind: "addon", item: "bonsai:sandbox-10", quantity: 1, unitUsd: undefined, monthlyUsd: undefined, note: "unknown price" },
    ].map((l) => JSON.parse(JSON.stringify(l)) as unknown));
    expect(p.cost.complete).toBe(false);
    expect(p.cost.unknown.map((l) => l.item)).toEqual(["bonsai:sandbox-10"]);

    const text = await plan("production", config, false);
    expect(text.stdout).toContain("  add-on papertrail: papertrail:fixa → PAPERTRAIL_API_TOKEN; protected: it keeps searchable log history and archives");
    expect(text.stdout).toContain("  add-on search: bonsai:sandbox-10 → config vars known once provisioned; protected: fleet does not know the service, so it may hold data");
    expect(text.stdout).toContain("  pipeline: fleet-shop-sentiment, owned by this stack; the app is its production stage");
    expect(text.stdout).toContain("  smoke check: GET /health answers 200 within 300 s of each release, on https://shop.fleet-apps.dev once its certificate is issued");
    expect(text.stdout).toMatch(/shop-sentiment +papertrail:fixa +× 1 +\$7/);
    expect(text.stdout).toMatch(/total \$\d+\/month \+ 1 unknown \(bonsai:sandbox-10\)/);
  });
});

describe("a refused plan", () => {
  it("lists a promoteTo on production and an add-on fleet provisions itself, each with its fix, and exits 1", async () => {
    const config = committed("production");
    config["fleet:promoteTo"] = "staging";
    (config["fleet:apps"] as Apps)["shop-sentiment"] = { addons: { db: "heroku-postgresql:standard-0" } };
    const run = await plan("production", config);
    expect(run.code).toBe(1);
    const rejected = JSON.parse(run.stdout) as { problems: { where: string; fix: string }[] };
    expect(rejected.problems.map((p) => [p.where, p.fix])).toEqual([
      ["fleet:apps.shop-sentiment.addons.db", "pulumi config rm --path 'fleet:apps.shop-sentiment.addons.db' --stack production"],
      ["fleet:promoteTo", "pulumi config rm fleet:promoteTo --stack production"],
    ]);
  });
});
