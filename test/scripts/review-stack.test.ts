/**
 * Review stacks: `npm run review-stack` writes `Pulumi.pr-<n>.yaml` and a
 * copy of `Pulumi.yaml`; the generated stack plans offline with exit 0; its
 * Heroku apps, hostnames, add-ons and databases are its own, on the cheapest
 * plans that fit, with no secret and no data from another stack; bad input is
 * refused; the URL comment lists each app.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadProgram, PROJECT_ROOT } from "../harness/program";
import { runPlan } from "../../scripts/lib/plan-command";
import { runReviewStack } from "../../scripts/lib/review-stack-command";
import { reviewComment, reviewConfig, reviewHerokuName } from "../../scripts/lib/review-stack";
import { stackModel } from "../../scripts/lib/stack-model";
import { buildEnvironment } from "../../stacks/environment";
import { APP_SPECS } from "../../stacks/specs";
import { readStackFiles } from "../../scripts/lib/stack-files";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "fleet-review-"));

async function generate(argv: string[], root = PROJECT_ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runReviewStack(argv, { stdout: async (t) => void (out += t), stderr: (t) => void (err += t) }, root);
  return { code, out, err };
}

interface PlanResourceJson {
  type: string;
  name: string;
  protect: boolean;
  retainOnDelete: boolean;
  inputs: Record<string, unknown>;
}
interface PlanJson {
  stack: string;
  tier: string;
  apps: { name: string; herokuName: string; domain: string | null; adopt: boolean; processes: { size: string; quantity: number }[]; resources: PlanResourceJson[] }[];
  stackResources: PlanResourceJson[];
  databases: { name: string; kind: string; plan: string; owner: string }[];
  missingSecrets: { key: string }[];
}

async function planJson(stack: string, dir?: string): Promise<{ code: number; plan: PlanJson }> {
  let text = "";
  const code = await runPlan(["--stack", stack, "--json", ...(dir ? ["--dir", dir] : [])], { stdout: async (t) => void (text += t), stderr: () => undefined, loadProgram });
  return { code, plan: JSON.parse(text) as PlanJson };
}

const addonNames = (plan: PlanJson): string[] => plan.apps.flatMap((a) => a.resources.filter((r) => r.type === "heroku:Addon").flatMap((r) => (typeof r.inputs["name"] === "string" ? [r.inputs["name"]] : [])));

describe("npm run review-stack", () => {
  it("writes Pulumi.pr-<n>.yaml and a copy of Pulumi.yaml; the stack plans offline with exit 0 and shares nothing", async () => {
    const dir = tmp();
    const { code, out } = await generate(["--pr", "42", "--out", dir]);
    expect(code).toBe(0);
    expect(out).toContain(`Wrote ${path.join(dir, "Pulumi.pr-42.yaml")}`);
    expect(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toBe(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
    const text = readFileSync(path.join(dir, "Pulumi.pr-42.yaml"), "utf8");
    expect(text).not.toMatch(/secure:|databaseUrls|logDrainUrl|cloudflareZone|adoptApp/);

    const review = await planJson("pr-42", dir);
    expect(review.code).toBe(0);
    expect(review.plan).toMatchObject({ stack: "pr-42", tier: "staging" });
    expect(review.plan.apps.map((a) => a.herokuName)).toEqual(APP_SPECS.map((s) => reviewHerokuName("fleet", s.name, 42)));
    for (const app of review.plan.apps) {
      expect(app.herokuName.length, app.name).toBeLessThanOrEqual(30);
      expect(app).toMatchObject({ domain: null, adopt: false });
      for (const p of app.processes) expect(p.size, app.name).toBe("basic");
    }
    for (const db of review.plan.databases) expect(db.kind, db.name).toBe("addon");
    // Closing the pull request runs `pulumi destroy --remove`: nothing may be protected, and what
    // is only forgotten (the schemas) lives in the stack's own add-ons, which go with its apps.
    const resources = [...review.plan.stackResources, ...review.plan.apps.flatMap((a) => a.resources)];
    expect(resources.filter((r) => r.protect).map((r) => `${r.type} ${r.name}`)).toEqual([]);
    expect(new Set(resources.filter((r) => r.retainOnDelete).map((r) => r.type))).toEqual(new Set(["postgresql:Schema"]));
    // Provided secrets are the workflow's to set: the plan lists them.
    expect(review.plan.missingSecrets.map((s) => s.key)).toContain("euterpe:SPOTIFY_CLIENT_SECRET");

    for (const other of ["staging", "production"]) {
      const { plan } = await planJson(other);
      const names = new Set(plan.apps.map((a) => a.herokuName));
      const hosts = new Set(plan.apps.flatMap((a) => a.domain ?? []));
      const addons = new Set(addonNames(plan));
      for (const app of review.plan.apps) expect(names.has(app.herokuName), `${app.herokuName} in ${other}`).toBe(false);
      expect(review.plan.apps.filter((a) => a.domain && hosts.has(a.domain))).toEqual([]);
      expect(addonNames(review.plan).filter((n) => addons.has(n))).toEqual([]);
    }
    expect(addonNames(review.plan).every((n) => n.includes("-pr-42-"))).toBe(true);
  }, 120_000);

  it("picks each Postgres's cheapest plan whose connection budget fits, Redis mini", async () => {
    const dir = tmp();
    expect((await generate(["--pr", "7", "--out", dir])).code).toBe(0);
    const config = (parse(readFileSync(path.join(dir, "Pulumi.pr-7.yaml"), "utf8")) as { config: Record<string, Record<string, { plan: string }>> }).config;
    expect(config["fleet:redis"]!["shared"]!.plan).toBe("mini");
    const chosen = config["fleet:databases"]!["shared"]!.plan;
    // Every cheaper plan would be over budget: the generator did not overpay.
    const staging = (parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
    for (const cheaper of ["essential-0", "essential-1", "essential-2"].slice(0, ["essential-0", "essential-1", "essential-2"].indexOf(chosen))) {
      const trial = tmp();
      copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(trial, "Pulumi.yaml"));
      writeFileSync(path.join(trial, "Pulumi.pr-7.yaml"), stringify({ config: reviewConfig({ pr: 7, staging, appNames: APP_SPECS.map((s) => s.name), postgresPlans: { shared: cheaper } }) }));
      const built = stackModel(trial, "pr-7");
      expect(built.ok, cheaper).toBe(false);
      if (!built.ok) expect(built.problems.map((p) => p.where)).toContain("database shared");
    }
    const built = stackModel(dir, "pr-7");
    expect(built.ok && built.model.budgets.every((b) => b.fits)).toBe(true);
  }, 60_000);

  it("turns staging's attached and external databases into empty add-ons of its own apps", async () => {
    const root = tmp();
    for (const f of ["Pulumi.yaml", "Pulumi.production.yaml"]) copyFileSync(path.join(PROJECT_ROOT, f), path.join(root, f));
    const staging = parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> };
    staging.config["fleet:databases"] = {
      ...(staging.config["fleet:databases"] as object),
      hermes: { plan: "essential-0", attach: { app: "bookshelf-hermes", addon: "bookshelf-hermes-db" }, reservedConnections: 5 },
      supabase: { external: { connectionLimit: 60 } },
    };
    const apps = staging.config["fleet:apps"] as Record<string, Record<string, unknown>>;
    staging.config["fleet:apps"] = { ...apps, euterpe: { database: "hermes", adoptApp: "euterpe", formation: { web: { size: "standard-2X", quantity: 3 } } }, "zoomer-bot": { database: "supabase" } };
    writeFileSync(path.join(root, "Pulumi.staging.yaml"), stringify(staging));
    const dir = tmp();
    const { code, err } = await generate(["--pr", "5", "--out", dir], root);
    expect(err).toBe("");
    expect(code).toBe(0);
    const built = stackModel(dir, "pr-5");
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    expect(built.model.databases.map((d) => [d.name, d.kind, d.ownerApp, d.reservedForOthers])).toEqual(
      expect.arrayContaining([
        ["hermes", "addon", "euterpe", 0],
        ["supabase", "addon", "zoomer-bot", 0],
      ]),
    );
    const euterpe = built.model.apps.find((a) => a.name === "euterpe")!;
    expect(euterpe).toMatchObject({ adopt: false, herokuName: "fleet-euterpe-pr-5" });
    expect(euterpe.processes).toEqual([expect.objectContaining({ type: "web", size: "basic", quantity: 1 })]);
  }, 60_000);

  it("keeps names within Heroku's 30 characters and apart for long pull-request numbers", () => {
    const names = APP_SPECS.flatMap((s) => [reviewHerokuName("fleet", s.name, 999_999), reviewHerokuName("fleet", s.name, 99_999)]);
    for (const n of names) expect(n.length, n).toBeLessThanOrEqual(30);
    expect(new Set(names).size).toBe(names.length);
  });

  it("refuses what would be shared, bad numbers and missing arguments", async () => {
    const staging = (parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
    expect(() => reviewConfig({ pr: 0, staging, appNames: ["x"] })).toThrow(/not a pull request number/);
    expect(() => reviewConfig({ pr: 1, staging: { ...staging, "fleet:tier": "production" }, appNames: ["x"] })).toThrow(/built from a staging-tier stack/);
    expect((await generate(["--pr", "abc", "--out", tmp()])).code).toBe(2);
    expect((await generate(["--pr", "3"])).err).toContain("--out <dir> is required");
    expect((await generate(["--help"])).out).toContain("Usage: npm run review-stack -- --pr <n> --out <dir>");

    // A generated file edited to reuse staging's app name is caught by the isolation check.
    const dir = tmp();
    expect((await generate(["--pr", "9", "--out", dir])).code).toBe(0);
    const { sharedWith } = await import("../../scripts/lib/review-stack");
    const edited = readFileSync(path.join(dir, "Pulumi.pr-9.yaml"), "utf8").replace("herokuName: fleet-euterpe-pr-9", "herokuName: fleet-euterpe-stg");
    writeFileSync(path.join(dir, "Pulumi.pr-9.yaml"), edited);
    const files = readStackFiles(dir, "pr-9");
    const review = buildEnvironment({ stack: "pr-9", specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
    const stagingModel = stackModel(PROJECT_ROOT, "staging");
    const withSecrets = review.ok ? review : stackModel(dir, "pr-9");
    if (!withSecrets.ok || !stagingModel.ok) throw new Error("models expected");
    expect(sharedWith(withSecrets.model, stagingModel.model)).toEqual(["Heroku app fleet-euterpe-stg (euterpe) is also in stack staging"]);
  }, 60_000);

  it("renders the comment with each app's URL", async () => {
    const text = reviewComment(42, {
      "threads-web": { herokuName: "fleet-threads-web-pr-42", webUrl: "https://fleet-threads-web-pr-42-abc.herokuapp.com" },
      euterpe: { herokuName: "fleet-euterpe-pr-42", webUrl: "https://fleet-euterpe-pr-42-def.herokuapp.com", customUrl: null },
    });
    expect(text).toContain("<!-- fleet-review-stack pr=42 -->");
    expect(text).toContain("| euterpe | `fleet-euterpe-pr-42` | https://fleet-euterpe-pr-42-def.herokuapp.com |\n| threads-web |");
    const dir = tmp();
    writeFileSync(path.join(dir, "apps.json"), JSON.stringify({ euterpe: { herokuName: "fleet-euterpe-pr-42", webUrl: "https://e.herokuapp.com" } }));
    const rendered = await generate(["--pr", "42", "--comment", path.join(dir, "apps.json")]);
    expect(rendered).toMatchObject({ code: 0, out: expect.stringContaining("https://e.herokuapp.com") });
    expect((await generate(["--pr", "42", "--comment", path.join(dir, "nope.json")])).code).toBe(2);
  });

  it("works as the workflow runs it: npm run review-stack, then npm run plan --dir (real processes)", () => {
    const dir = tmp();
    const env = { ...process.env, NODE_OPTIONS: "" };
    execFileSync("npm", ["run", "-s", "review-stack", "--", "--pr", "77", "--out", dir], { cwd: PROJECT_ROOT, env, stdio: "pipe" });
    const plan = execFileSync("npm", ["run", "-s", "plan", "--", "--stack", "pr-77", "--dir", dir, "--json"], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] }).toString();
    expect(JSON.parse(plan)).toMatchObject({ ok: true, stack: "pr-77", tier: "staging" });
  }, 120_000);
});
