/**
 * `npm run plan` as a user runs it: the committed stack files, exit codes and
 * output. The production plan runs as its own process, exactly as typed and
 * read through a pipe; the other cases run the same command in-process
 * (scripts/lib/plan-command.ts), which saves loading the SDKs for each.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runPlan } from "../../scripts/lib/plan-command";
import type { Plan } from "../../scripts/lib/plan-report";
import { isOptional } from "../../stacks/env-vars";
import { APP_SPECS } from "../../stacks/specs";
import { loadProgram } from "../harness/program";
import { ROOT } from "../stacks/fixtures";

interface PlanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The same command in this process. */
async function plan(...args: string[]): Promise<PlanRun> {
  let stdout = "";
  let stderr = "";
  const code = await runPlan(args, { stdout: async (text) => void (stdout += text), stderr: (text) => void (stderr += text), loadProgram });
  return { code, stdout, stderr };
}

/** The production plan as a tool reads it: through a pipe, which must still get the whole JSON. */
function productionThroughPipe(): PlanRun {
  const command = `set -o pipefail; "${process.execPath}" --import tsx scripts/plan.ts --stack production --json | cat`;
  const result = spawnSync("bash", ["-c", command], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan", () => {
  let production: Plan;
  let piped: PlanRun;
  beforeAll(() => {
    piped = productionThroughPipe();
    expect(piped.stderr).toBe("");
    expect(piped.code).toBe(0);
    production = JSON.parse(piped.stdout) as Plan;
  }, 120_000);

  it("writes the whole JSON through a pipe before exiting, however large", () => {
    expect(piped.stdout.length).toBeGreaterThan(65_536);
    expect(piped.stdout.trimEnd().endsWith("}")).toBe(true);
  });

  it("covers all six apps and names every variable each app's env schema reads", async () => {
    expect(production.version).toBe(1);
    expect(production.apps.map((a) => a.name).sort()).toEqual(APP_SPECS.map((s) => s.name).sort());
    for (const spec of APP_SPECS) {
      const app = production.apps.find((a) => a.name === spec.name)!;
      const schemaKeys = Object.keys(spec.env.shape);
      const named = app.configVars.map((v) => v.name);
      for (const name of named) expect(schemaKeys).toContain(name);
      for (const required of schemaKeys.filter((k) => !isOptional(spec.env, k))) expect(named, `${spec.name} ${required}`).toContain(required);
      for (const v of app.configVars) expect(v.origin.length).toBeGreaterThan(0);
      expect(app.resources.length).toBeGreaterThan(3);
    }
  });

  it("shows derived values, never secret ones", async () => {
    const euterpe = production.apps.find((a) => a.name === "euterpe")!;
    expect(euterpe.configVars.find((v) => v.name === "SPOTIFY_REDIRECT_URI")).toMatchObject({ source: "plain", value: "https://euterpe.fleet-apps.dev/callback" });
    for (const app of production.apps) {
      for (const v of app.configVars.filter((x) => x.secret)) expect(v.value).toBeUndefined();
    }
  });

  it("lists the secrets still to set, each with its command", async () => {
    const keys = production.missingSecrets.map((m) => m.key);
    expect(keys).toContain("euterpe:SPOTIFY_CLIENT_SECRET");
    expect(keys).toContain("fleet:databaseUrls.supabase");
    expect(production.missingSecrets.find((m) => m.key === "euterpe:SPOTIFY_CLIENT_SECRET")!.command).toBe(
      "pulumi config set --secret euterpe:SPOTIFY_CLIENT_SECRET <value> --stack production",
    );
  });

  it("reports budgets and a cost estimate", async () => {
    expect(production.budgets.map((b) => b.database).sort()).toEqual(["hermes", "shop-sentiment-db", "steam-reviews-db", "supabase", "threads-api-db"]);
    expect(production.budgets.every((b) => b.fits)).toBe(true);
    expect(production.cost.totalUsd).toBeGreaterThan(0);
    expect(production.resourceCount).toBe(production.apps.reduce((n, a) => n + a.resources.length, 0) + production.stackResources.length);
  });

  it("estimates a lean state: Heroku resources store a small provider, not their code", async () => {
    expect(production.state.resources).toBe(production.resourceCount);
    expect(production.state.largestProviderBytes).toBeGreaterThan(0);
    expect(production.state.largestProviderBytes).toBeLessThan(1_024);
    expect(production.state.bytes).toBeLessThan(500 * 1024);
  });

  it("prints a readable text plan", async () => {
    const run = await plan("--stack", "staging");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("euterpe → Heroku app fleet-euterpe-stg, https://euterpe-staging.fleet-apps.dev");
    expect(run.stdout).toContain("connection budgets:");
    expect(run.stdout).toContain("monthly cost estimate");
    expect(run.stdout).toMatch(/\d+ resources in 6 apps; state about \d+ KiB; program evaluated in \d+ ms/);
    expect(run.stdout).toContain("not checked offline:\n  rotation generations, data-store owners, Postgres plan families and the Heroku region against the last `pulumi up`");
  }, 120_000);

  it("rejects an unknown stack as a bad argument, naming the ones that exist", async () => {
    const run = await plan("--stack", "prod");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "plan: there is no stack 'prod': no Pulumi.prod.yaml. Stacks: production, staging (a new stack needs its file: copy one, set fleet:tier, then `pulumi stack init prod`)\n",
    );
  });

  it("a --dir that does not exist: one line, exit 2, no stack trace", async () => {
    const run = await plan("--stack", "staging", "--dir", "/nonexistent/fleet");
    expect(run).toMatchObject({ code: 2, stdout: "", stderr: "plan: --dir /nonexistent/fleet: no such folder\n" });
  });

  it("needs --stack and refuses unknown options", async () => {
    expect((await plan()).code).toBe(2);
    expect((await plan("--stack", "staging", "--yes")).code).toBe(2);
    expect((await plan("--help")).stdout).toContain("Usage: npm run plan -- --stack <stack> [--json]");
  });

  describe("with a stack file of one's own", () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-plan-"));
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    function writeStack(name: string, config: Record<string, unknown>): void {
      fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
    }

    it("exits 1 listing every problem of an invalid configuration", async () => {
      writeStack("broken", { "fleet:tier": "staging", "fleet:appPrefix": "Fleet", "fleet:apps": { euterpe: { formation: { web: { size: "giant" } } } } });
      const run = await plan("--stack", "broken", "--dir", dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("stack 'broken' has");
      expect(run.stderr).toContain("fleet:appPrefix: must be 1–12 lowercase letters");
      expect(run.stderr).toContain("fleet:apps.euterpe.formation.web.size: 'giant' is not a Heroku dyno size");
      expect(run.stdout).toBe("");
    }, 120_000);

    it("with --json, a refused configuration is still one JSON object", async () => {
      writeStack("refused", { "fleet:tier": "staging", "fleet:appPrefix": "Fleet", "fleet:apps": { euterpe: { formation: { web: { quantity: "2" } } } } });
      const run = await plan("--stack", "refused", "--dir", dir, "--json");
      expect(run.code).toBe(1);
      expect(run.stderr).toBe("");
      const refused = JSON.parse(run.stdout) as { ok: boolean; problems: { where: string }[]; missingSecrets: unknown[] };
      expect(refused.ok).toBe(false);
      expect(refused.problems.map((p) => p.where).sort()).toEqual(["fleet:appPrefix", "fleet:apps.euterpe.formation.web.quantity"]);
      expect(refused.missingSecrets.length).toBeGreaterThan(0);
    }, 120_000);

    it("plans a new stack copied from staging, its apps on APP_ENV=staging", async () => {
      fs.copyFileSync(path.join(ROOT, "Pulumi.staging.yaml"), path.join(dir, "Pulumi.qa.yaml"));
      const run = await plan("--stack", "qa", "--dir", dir, "--json");
      expect(run.code, run.stderr).toBe(0);
      const qa = JSON.parse(run.stdout) as Plan;
      expect(qa.tier).toBe("staging");
      for (const app of qa.apps) expect(app.configVars.find((v) => v.name === "APP_ENV"), app.name).toMatchObject({ source: "fleet", value: "staging" });
      expect(qa.apps.find((a) => a.name === "euterpe")!.herokuName).toBe("fleet-euterpe-qa");
    }, 120_000);

    it("keeps a secure value inside fleet:apps secret in the plan", async () => {
      writeStack("securepath", {
        "fleet:tier": "staging",
        "fleet:appPrefix": "mine",
        "fleet:apps": { "threads-web": { config: { SITE_URL: { secure: "v1:c2l0ZS11cmwtY2lwaGVy" } } } },
      });
      const run = await plan("--stack", "securepath", "--dir", dir, "--json");
      expect(run.code, run.stderr).toBe(0);
      const mine = JSON.parse(run.stdout) as Plan;
      const site = mine.apps.find((a) => a.name === "threads-web")!.configVars.find((v) => v.name === "SITE_URL")!;
      expect(site).toMatchObject({ source: "plain", secret: true, origin: "fleet:apps.threads-web.config.SITE_URL" });
      expect(site.value).toBeUndefined();
      expect(run.stdout).not.toContain("c2l0ZS11cmwtY2lwaGVy");
      expect(mine.apps.find((a) => a.name === "threads-web")!.resources.find((r) => r.type === "heroku:Build")!.inputs["buildEnvSha256"]).toBe("[secret]");
    }, 120_000);

    it("treats secure: values as secrets it cannot read, and never prints them", async () => {
      writeStack("mine", {
        "fleet:tier": "staging",
        "fleet:appPrefix": "mine",
        "euterpe:SPOTIFY_CLIENT_ID": { secure: "v1:c2VjcmV0LWNpcGhlcnRleHQ=" },
        "euterpe:SPOTIFY_CLIENT_SECRET": { secure: "v1:b3RoZXItY2lwaGVydGV4dA==" },
      });
      const run = await plan("--stack", "mine", "--dir", dir, "--json");
      expect(run.code).toBe(0);
      const mine = JSON.parse(run.stdout) as Plan;
      expect(mine.missingSecrets.map((m) => m.key)).not.toContain("euterpe:SPOTIFY_CLIENT_ID");
      expect(mine.apps.find((a) => a.name === "euterpe")!.configVars.find((v) => v.name === "SPOTIFY_CLIENT_ID")).toMatchObject({ source: "provided", secret: true });
      expect(run.stdout).not.toContain("c2VjcmV0LWNpcGhlcnRleHQ");
      expect(mine.apps.find((a) => a.name === "euterpe")!.domain).toBeNull();
    }, 120_000);
  });
});
