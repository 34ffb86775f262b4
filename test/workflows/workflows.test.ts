/**
 * Every GitHub workflow, parsed: rules all of them keep (each `npm run`
 * names a script that exists, stacks exist, jobs that run Pulumi have its
 * token and Node 24, anything that changes a stack is serialised, no
 * user-controlled text in a shell script), and per workflow its triggers,
 * commands, stacks, concurrency and exit-code handling — the drift job's
 * shell steps are run with stand-ins for `pulumi`, `npm` and `gh`, so drift
 * (exit 7) and errors are told apart by what the steps really do.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { PROJECT_ROOT } from "../harness/program";
import { availableStacks } from "../../scripts/lib/stack-files";
import { decideIssue, issueMarker, openIssueSchema } from "../../scripts/lib/drift/issue";

const stepSchema = z.object({ name: z.string().optional(), id: z.string().optional(), uses: z.string().optional(), run: z.string().optional(), if: z.string().optional(), with: z.record(z.string(), z.unknown()).optional(), env: z.record(z.string(), z.unknown()).optional() }).loose();
const jobSchema = z
  .object({
    "runs-on": z.string(),
    if: z.string().optional(),
    needs: z.union([z.string(), z.array(z.string())]).optional(),
    environment: z.unknown().optional(),
    strategy: z.object({ "fail-fast": z.boolean().optional(), "max-parallel": z.number().optional(), matrix: z.record(z.string(), z.unknown()).optional() }).loose().optional(),
    env: z.record(z.string(), z.unknown()).optional(),
    permissions: z.unknown().optional(),
    steps: z.array(stepSchema).min(1),
  })
  .loose();
const workflowSchema = z
  .object({
    name: z.string(),
    on: z.record(z.string(), z.unknown()),
    concurrency: z.union([z.string(), z.object({ group: z.string(), "cancel-in-progress": z.boolean().optional() })]).optional(),
    permissions: z.record(z.string(), z.string()),
    env: z.record(z.string(), z.unknown()).optional(),
    jobs: z.record(z.string(), jobSchema),
  })
  .loose();
type Workflow = z.infer<typeof workflowSchema>;
type Job = z.infer<typeof jobSchema>;
type Step = z.infer<typeof stepSchema>;

const DIR = path.join(PROJECT_ROOT, ".github", "workflows");
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const SCRIPTS = Object.keys((JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
const STACKS = availableStacks(PROJECT_ROOT);

function load(file: string): Workflow {
  // The yaml package reads `on` as a plain key (YAML 1.2), as GitHub does.
  return workflowSchema.parse(parse(readFileSync(path.join(DIR, file), "utf8")));
}
const workflows = Object.fromEntries(FILES.map((f) => [f, load(f)]));
const wf = (file: string): Workflow => {
  const found = workflows[file];
  if (!found) throw new Error(`.github/workflows/${file} is missing`);
  return found;
};
const runs = (job: Job): string => job.steps.map((s) => s.run ?? "").join("\n");
const stepNamed = (job: Job, pattern: RegExp): Step => {
  const found = job.steps.find((s) => pattern.test(s.name ?? "") || pattern.test(s.run ?? ""));
  if (!found) throw new Error(`no step matching ${pattern}`);
  return found;
};
const usesPulumi = (job: Job): boolean => job.steps.some((s) => s.uses?.startsWith("pulumi/actions@") || /(^|\s)pulumi\s/.test(s.run ?? ""));
const changesStacks = (job: Job): boolean => job.steps.some((s) => s.with?.["command"] === "up" || /pulumi (up|destroy)\b/.test(s.run ?? ""));
const concurrencyOf = (w: Workflow) => (typeof w.concurrency === "string" ? { group: w.concurrency, "cancel-in-progress": false } : w.concurrency);

// The steps' shell, run as the runner does (bash -e -o pipefail), with stand-ins on PATH.
const stub = (dir: string, name: string, script: string): void => {
  writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\n${script}\n`);
  chmodSync(path.join(dir, name), 0o755);
};
function runStep(step: Step, env: Record<string, string>, stubs: Record<string, string> = {}): { code: number; outputs: string; stdout: string; stderr: string; calls: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-wf-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  const calls = path.join(dir, "calls.log");
  writeFileSync(calls, "");
  for (const [name, script] of Object.entries(stubs)) stub(bin, name, `echo "${name} $*" >> "${calls}"\n${script}`);
  const output = path.join(dir, "output");
  writeFileSync(output, "");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.run!], {
    cwd: dir,
    env: { PATH: `${bin}:${process.env["PATH"]}`, GITHUB_OUTPUT: output, GITHUB_REPOSITORY: "acme/fleet", STACK: "production", ...env },
    encoding: "utf8",
  });
  return { code: result.status ?? -1, outputs: readFileSync(output, "utf8"), stdout: result.stdout, stderr: result.stderr, calls: readFileSync(calls, "utf8"), dir };
}
const hasJq = spawnSync("jq", ["--version"]).status === 0;

describe.each(FILES)("%s (rules every workflow keeps)", (file) => {
  const w = wf(file);

  it("runs only npm scripts that exist, after npm ci", () => {
    for (const [name, job] of Object.entries(w.jobs)) {
      const text = runs(job);
      for (const m of text.matchAll(/npm run(?: -s)? ([\w:.-]+)/g)) expect(SCRIPTS, `${name}: npm run ${m[1]}`).toContain(m[1]);
      if (/npm (run|test)/.test(text)) expect(job.steps.findIndex((s) => s.run === "npm ci"), `${name} installs first`).toBeGreaterThanOrEqual(0);
    }
  });

  it("names only stacks that exist (or the stack variables)", () => {
    for (const job of Object.values(w.jobs)) {
      for (const m of runs(job).matchAll(/--stack[= ]("?)([^\s"]+)\1/g)) {
        const stack = m[2]!;
        if (stack.startsWith("$")) continue;
        expect(STACKS, `--stack ${stack}`).toContain(stack);
      }
      const matrix = job.strategy?.matrix?.["stack"];
      if (Array.isArray(matrix)) for (const s of matrix) expect(STACKS).toContain(s);
    }
  });

  it("gives jobs that run Pulumi its token and Node 24, and pins actions to a major version", () => {
    for (const [name, job] of Object.entries(w.jobs)) {
      for (const step of job.steps) if (step.uses) expect(step.uses, name).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
      if (!usesPulumi(job)) continue;
      expect({ ...w.env, ...job.env }["PULUMI_ACCESS_TOKEN"], `${name}: PULUMI_ACCESS_TOKEN`).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
      expect(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"], name).toBe(24);
    }
  });

  it("serialises whatever changes a stack (concurrency, never cancelled half-way)", () => {
    if (!Object.values(w.jobs).some(changesStacks)) return;
    const c = concurrencyOf(w);
    expect(c?.group, "concurrency group").toBeTruthy();
    expect(c?.["cancel-in-progress"] ?? false).toBe(false);
  });

  it("puts no user-controlled text into a shell script", () => {
    for (const job of Object.values(w.jobs)) {
      expect(runs(job)).not.toMatch(/\$\{\{\s*github\.(event\.(pull_request\.(title|body|head\.ref)|issue\.(title|body)|comment\.body)|head_ref)/);
    }
  });
});

describe("deploy.yml", () => {
  const w = wf("deploy.yml");
  it("on a push to main: tests, then pulumi up on staging then production, one at a time", () => {
    expect(w.on).toEqual({ push: { branches: ["main"] } });
    expect(concurrencyOf(w)?.group).toBe("deploy");
    expect(runs(w.jobs["test"]!)).toContain("npm test");
    const up = w.jobs["up"]!;
    expect(up.needs).toBe("test");
    expect(up.strategy).toMatchObject({ "max-parallel": 1, matrix: { stack: ["staging", "production"] } });
    expect(up.steps.find((s) => s.uses === "pulumi/actions@v7")?.with).toMatchObject({ command: "up", "stack-name": "${{ matrix.stack }}" });
  });
});

describe("preview.yml", () => {
  const w = wf("preview.yml");
  it("on pull requests: the offline plan and pulumi preview of both stacks, with the policy pack", () => {
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    const job = w.jobs["preview"]!;
    expect(job.strategy?.matrix?.["stack"]).toEqual(["staging", "production"]);
    expect(runs(job)).toContain("npm run plan -- --stack ${{ matrix.stack }}");
    expect(job.steps.find((s) => s.uses === "pulumi/actions@v7")?.with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", policyPacks: "policy" });
    expect(readFileSync(path.join(PROJECT_ROOT, "policy", "PulumiPolicy.yaml"), "utf8")).toContain("runtime:");
    expect(concurrencyOf(w)).toMatchObject({ group: expect.stringContaining("github.event.pull_request.number"), "cancel-in-progress": true });
  });
});

describe("review.yml", () => {
  const w = wf("review.yml");
  const deploy = w.jobs["deploy"]!;
  const destroy = w.jobs["destroy"]!;

  it("runs on every push of a pull request and on its close, one run per pull request at a time", () => {
    expect(w.on).toEqual({ pull_request: { types: expect.arrayContaining(["opened", "reopened", "synchronize", "closed"]) } });
    expect(concurrencyOf(w)).toEqual({ group: "review-${{ github.event.pull_request.number }}", "cancel-in-progress": false });
    expect(w.env?.["STACK"]).toBe("pr-${{ github.event.pull_request.number }}");
    expect(w.env?.["PR"]).toBe("${{ github.event.pull_request.number }}");
  });

  it("creates or updates pr-<n> from generated settings, with its secrets, and posts the URLs", () => {
    expect(deploy.if).toBe("github.event.action != 'closed'");
    const order = ['npm run review-stack -- --pr "$PR" --out .', 'npm run plan -- --stack "$STACK"', 'pulumi stack select "$STACK" --create', 'pulumi config set --secret "$key" --stack "$STACK"', 'pulumi up --stack "$STACK" --yes', 'pulumi stack output apps --json --stack "$STACK"', 'npm run -s review-stack -- --pr "$PR" --comment apps.json', "gh pr comment"];
    const text = runs(deploy);
    const positions = order.map((cmd) => text.indexOf(cmd));
    for (const [i, cmd] of order.entries()) expect(positions[i], cmd).toBeGreaterThanOrEqual(0);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(stepNamed(deploy, /secrets the stack needs/).env?.["REVIEW_STACK_SECRETS"]).toBe("${{ secrets.REVIEW_STACK_SECRETS }}");
  });

  it.skipIf(!hasJq)("the secrets step sets each secret the plan misses from REVIEW_STACK_SECRETS, masked and through stdin, and stops naming one it lacks", () => {
    const step = stepNamed(deploy, /secrets the stack needs/);
    const plan = JSON.stringify({ missingSecrets: [{ key: "euterpe:SPOTIFY_CLIENT_SECRET" }, { key: "zoomer-bot:BOT_TOKEN" }] });
    const npm = `echo '${plan}'`;
    const pulumi = 'echo "stdin=$(cat)" >> "$(dirname "$0")/../stdin.log"';
    const provided = { "euterpe:SPOTIFY_CLIENT_SECRET": "spotify-sandbox-1", "zoomer-bot:BOT_TOKEN": "bot-sandbox-2", "other:UNUSED": "unused-3" };
    const r = runStep(step, { STACK: "pr-42", REVIEW_STACK_SECRETS: JSON.stringify(provided) }, { npm, pulumi });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toContain("pulumi config set --secret euterpe:SPOTIFY_CLIENT_SECRET --stack pr-42");
    expect(r.calls).toContain("pulumi config set --secret zoomer-bot:BOT_TOKEN --stack pr-42");
    expect(r.calls).not.toMatch(/sandbox|unused-3/);
    expect(readFileSync(path.join(r.dir, "stdin.log"), "utf8")).toBe("stdin=spotify-sandbox-1\nstdin=bot-sandbox-2\n");
    expect(r.stdout).toBe("::add-mask::spotify-sandbox-1\n::add-mask::bot-sandbox-2\n");

    const lacking = runStep(step, { STACK: "pr-42", REVIEW_STACK_SECRETS: JSON.stringify({ "euterpe:SPOTIFY_CLIENT_SECRET": "spotify-sandbox-1" }) }, { npm, pulumi });
    expect(lacking.code).toBe(1);
    expect(lacking.stdout).toContain("::error::review stacks need zoomer-bot:BOT_TOKEN: add it to the REVIEW_STACK_SECRETS secret of the review environment");
    const unset = runStep(step, { STACK: "pr-42" }, { npm, pulumi });
    expect(unset.code).toBe(1);
    expect(unset.calls).not.toContain("pulumi config set");
  });

  it("destroys the stack and removes its state when the pull request closes", () => {
    expect(destroy.if).toBe("github.event.action == 'closed'");
    expect(runs(destroy)).toContain('pulumi destroy --stack "$STACK" --yes --remove');
    // The project's program is not run by a destroy, but the CLI needs Pulumi.yaml: the generated copy sits beside it.
    expect(runs(destroy)).toContain('npm run review-stack -- --pr "$PR" --out .');
  });

  it.skipIf(!hasJq)("the destroy step destroys and removes an existing stack, skips a missing one, and fails when the backend does", () => {
    const step = stepNamed(destroy, /destroy the stack/);
    const env = { STACK: "pr-42", PR: "42", GH_TOKEN: "t" };
    const pulumi = (stacks: string, lsExit = 0, destroyExit = 0): string =>
      `case "$1" in stack) echo '${stacks}'; exit ${lsExit} ;; destroy) exit ${destroyExit} ;; esac`;
    for (const listed of ['[{"name":"pr-42"}]', '[{"name":"staging"},{"name":"acme/fleet/pr-42"}]']) {
      const r = runStep(step, env, { pulumi: pulumi(listed), gh: "" });
      expect(r.code, r.stderr).toBe(0);
      expect(r.calls).toContain("pulumi destroy --stack pr-42 --yes --remove");
      expect(r.calls).toMatch(/^gh pr comment 42 --repo acme\/fleet --body Review stack `pr-42` destroyed and its state removed\.$/m);
    }
    const missing = runStep(step, env, { pulumi: pulumi('[{"name":"pr-421"},{"name":"staging"}]'), gh: "" });
    expect(missing).toMatchObject({ code: 0, stdout: expect.stringContaining("no stack pr-42: nothing to destroy") });
    expect(missing.calls).not.toMatch(/pulumi destroy|gh pr comment/);

    const unreachable = runStep(step, env, { pulumi: pulumi("", 255), gh: "" });
    expect(unreachable.code).toBe(255);
    expect(unreachable.calls).not.toMatch(/pulumi destroy|gh pr comment/);

    const failed = runStep(step, env, { pulumi: pulumi('[{"name":"pr-42"}]', 0, 255), gh: "" });
    expect(failed.code).toBe(255);
    expect(failed.calls).not.toContain("gh pr comment");
  });
});

describe("drift.yml", () => {
  const w = wf("drift.yml");
  const job = w.jobs["drift"]!;

  it("runs every morning and by hand, per stack, without one stack's failure hiding the other's", () => {
    const schedule = (w.on["schedule"] as { cron: string }[])[0]!.cron;
    expect(schedule.split(" ")).toHaveLength(5);
    expect(w.on).toHaveProperty("workflow_dispatch");
    expect(job.strategy).toMatchObject({ "fail-fast": false, matrix: { stack: ["staging", "production"] } });
    expect(w.permissions).toMatchObject({ issues: "write", contents: "read" });
    expect(job.env?.["HEROKU_API_KEY"]).toBe("${{ secrets.HEROKU_API_KEY }}");
  });

  it("checks with pulumi preview --refresh --expect-no-changes and npm run drift, then decides the issue on the scheduled run", () => {
    expect(stepNamed(job, /expect-no-changes/).run).toContain('pulumi preview --stack "$STACK" --refresh --expect-no-changes --diff');
    expect(stepNamed(job, /npm run drift/).run).toContain('npm run -s drift -- --stack "$STACK" --json-out drift.json');
    const issue = stepNamed(job, /drift issue/);
    expect(issue.if).toBe("github.event_name == 'schedule' || inputs.issue");
    expect(issue.env?.["GH_TOKEN"]).toBe("${{ github.token }}");
    expect(issue.run).toContain("npm run -s drift:issue --");
  });

  it.each([
    [0, "0"],
    [7, "7"],
    [255, "255"],
  ])("the preview step records pulumi's exit %i and lets the job go on", (exit, recorded) => {
    const r = runStep(stepNamed(job, /expect-no-changes/), {}, { pulumi: `exit ${exit}` });
    expect(r.code).toBe(0);
    expect(r.outputs).toBe(`code=${recorded}\n`);
    expect(r.stdout).toContain(exit === 7 ? "::warning::drift in stack production" : exit === 255 ? "::error::pulumi preview failed" : "");
  });

  it.each([0, 7, 1, 2])("the drift step records npm run drift's exit %i", (exit) => {
    const r = runStep(stepNamed(job, /npm run drift/), {}, { npm: `echo '{}' > drift.json; exit ${exit}` });
    expect(r.code).toBe(0);
    expect(r.outputs).toBe(`code=${exit}\n`);
    expect(r.calls).toContain("npm run -s drift -- --stack production --json-out drift.json");
  });

  it.each([
    ["0", "0", 0],
    ["7", "0", 7],
    ["0", "7", 7],
    ["7", "7", 7],
    ["255", "0", 255],
    ["0", "1", 1],
    ["7", "2", 2],
  ])("the result step: preview %s, drift %s → exit %i (7 is drift, anything else an error)", (preview, drift, expected) => {
    expect(runStep(stepNamed(job, /^result$/), { PREVIEW_EXIT: preview, DRIFT_EXIT: drift }).code).toBe(expected);
  });

  it.skipIf(!hasJq)("the issue step carries out each decision with gh (needs jq, as on GitHub's runners)", () => {
    const step = stepNamed(job, /drift issue/);
    const decisions: [object, RegExp][] = [
      [{ action: "open", title: "Drift on stack production", body: "b" }, /gh issue create --repo acme\/fleet --title Drift on stack production --body-file body.md --label drift/],
      [{ action: "update", number: 5, title: "t", body: "b" }, /gh issue edit 5 --repo acme\/fleet --body-file body.md/],
      [{ action: "close", number: 5, comment: "gone" }, /gh issue close 5 --repo acme\/fleet --comment gone/],
      [{ action: "none", reason: "no drift" }, /^(?![\s\S]*gh issue (create|edit|close))/],
    ];
    for (const [decision, expected] of decisions) {
      const r = runStep(step, { PREVIEW_EXIT: "0", RUN_URL: "https://ci/run", GH_TOKEN: "t" }, { gh: "", npm: `echo '${JSON.stringify(decision)}'` });
      expect(r.code, JSON.stringify(decision)).toBe(0);
      expect(r.calls).toMatch(expected);
      expect(r.calls).toContain("npm run -s drift:issue -- --stack production --issues open-issues.json --report drift.json --preview-exit 0 --run-url https://ci/run");
    }
    expect(runStep(step, { PREVIEW_EXIT: "0" }, { gh: "", npm: `echo '{"action":"explode"}'` }).code).toBe(1);
  });

  it.skipIf(!hasJq)("the issue step reads every open drift issue, page by page, and a failed listing stops it", () => {
    const step = stepNamed(job, /drift issue/);
    // What `gh api --paginate --jq` prints: one object per line over every page; the stack's issue is on the second page.
    const listed = Array.from({ length: 150 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}`, body: i === 149 ? `${issueMarker("production")}\nold` : "other" }));
    const lines = path.join(mkdtempSync(path.join(tmpdir(), "fleet-wf-issues-")), "lines.json");
    writeFileSync(lines, `${listed.map((i) => JSON.stringify(i)).join("\n")}\n`);
    const gh = `if [ "$1" = api ]; then cat '${lines}'; fi`;
    const r = runStep(step, { PREVIEW_EXIT: "0", RUN_URL: "https://ci/run" }, { gh, npm: `cp open-issues.json seen.json; echo '{"action":"none","reason":"r"}'` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toMatch(/^gh api --paginate repos\/acme\/fleet\/issues\?state=open&labels=drift&per_page=100 --jq .*select\(\.pull_request == null\)/m);
    const seen = openIssueSchema.parse(JSON.parse(readFileSync(path.join(r.dir, "seen.json"), "utf8")));
    expect(seen.map((i) => i.number)).toEqual(listed.map((i) => i.number));
    const clean = { version: 1 as const, stack: "production", apps: [], count: 0, drift: false };
    expect(decideIssue({ stack: "production", report: clean, previewExit: 0 }, seen)).toMatchObject({ action: "close", number: 150 });

    const failed = runStep(step, { PREVIEW_EXIT: "0" }, { gh: `if [ "$1" = api ]; then exit 4; fi`, npm: `echo '{"action":"none","reason":"r"}'` });
    expect(failed.code).toBe(4);
    expect(failed.calls).not.toContain("npm run");
  });
});

describe("the workflows directory", () => {
  it("holds the workflows the project relies on", () => {
    expect(FILES).toEqual(expect.arrayContaining(["deploy.yml", "drift.yml", "preview.yml", "review.yml"]));
  });
});
