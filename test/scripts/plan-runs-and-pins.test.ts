/**
 * What `npm run plan` shows of one-off runs and release pins (in-process,
 * scripts/lib/plan-command.ts): the committed stacks' backfills, a pin in
 * the JSON, the text and the Build's inputs, and nothing of either where a
 * stack sets none.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { runPlan } from "../../scripts/lib/plan-command";
import type { Plan } from "../../scripts/lib/plan-report";
import { loadProgram } from "../harness/program";
import { ROOT } from "../stacks/fixtures";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-plan-runs-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function plan(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await runPlan(args, { stdout: async (text) => void (stdout += text), stderr: () => undefined, loadProgram });
  return { code, stdout };
}

function writeStack(name: string, edit: (apps: Record<string, Record<string, unknown>>) => void): void {
  const config = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
  edit((config["fleet:apps"] ??= {}) as Record<string, Record<string, unknown>>);
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
}

describe("the plan", () => {
  it("lists each tracked game's backfill, and its budget counts one one-off dyno for them", async () => {
    const run = await plan("--stack", "staging", "--json");
    expect(run.code).toBe(0);
    const staging = JSON.parse(run.stdout) as Plan;
    const steam = staging.apps.find((a) => a.name === "steam-reviews")!;
    expect(steam.oneOffRuns).toEqual([
      { name: "backfill-3228590", command: "node dist/jobs/backfill.js --app-id 3228590", trigger: "tracked 3228590", setting: "fleet:apps.steam-reviews.trackedApps" },
      { name: "backfill-2437170", command: "node dist/jobs/backfill.js --app-id 2437170", trigger: "tracked 2437170", setting: "fleet:apps.steam-reviews.trackedApps" },
    ]);
    expect(steam.pinnedRelease).toBeNull();
    expect(steam.resources.filter((r) => r.type === "heroku:OneOffRun").map((r) => r.name)).toEqual([
      "steam-reviews-run-backfill-3228590",
      "steam-reviews-run-backfill-2437170",
    ]);
    expect(staging.budgets.find((b) => b.database === "shared")?.lines.find((l) => l.app === "steam-reviews")).toMatchObject({ oneOffDynos: 3, poolMax: 3 });
    expect(staging.apps.filter((a) => a.name !== "steam-reviews").every((a) => a.oneOffRuns.length === 0 && a.pinnedRelease === null)).toBe(true);

    const text = await plan("--stack", "staging");
    expect(text.stdout).toContain("  runs once (trigger tracked 3228590): node dist/jobs/backfill.js --app-id 3228590");
    expect(text.stdout).not.toContain("PINNED");
  });

  it("shows a pin in the app, its text and its Build's inputs", async () => {
    writeStack("pinned", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], release: "v41" };
    });
    const run = await plan("--stack", "pinned", "--dir", dir, "--json");
    expect(run.code, run.stdout).toBe(0);
    const pinned = JSON.parse(run.stdout) as Plan;
    const euterpe = pinned.apps.find((a) => a.name === "euterpe")!;
    expect(euterpe.pinnedRelease).toBe(41);
    expect(euterpe.resources.find((r) => r.type === "heroku:Build")?.inputs).toMatchObject({ pinnedRelease: 41 });
    expect(pinned.apps.filter((a) => a.name !== "euterpe").map((a) => a.pinnedRelease)).toEqual([null, null, null, null, null]);

    const text = await plan("--stack", "pinned", "--dir", dir);
    expect(text.stdout).toContain(
      "  release: PINNED to v41 (fleet:apps.euterpe.release): that release's slug runs; the source is not built until the pin is removed",
    );
  });
});
