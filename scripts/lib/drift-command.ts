/**
 * What `npm run drift` does, as a function of its arguments: plans the stack
 * offline to learn what fleet manages, reads each of the stack's Heroku apps,
 * and prints what exists there that fleet does not manage — config-var keys
 * set by hand, add-ons, domains, log drains, formation types — by name only.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { herokuClient } from "../../components/heroku/client";
import { appDrift, driftReport, renderReport } from "./drift/compare";
import { readLiveApp } from "./drift/live";
import { managedApps, planJsonSchema } from "./drift/managed";
import { runPlan, type PlanIo } from "./plan-command";

export const DRIFT_HELP = `Usage: npm run drift -- --stack <stack> [--json] [--json-out <file>] [--dir <path>]

Lists what exists on the stack's Heroku apps that fleet does not manage:
config-var keys set by hand, add-ons, custom domains, log drains and
formation types — by name, never by value. What fleet manages comes from the
stack's offline plan (npm run plan); what exists, from the Heroku Platform API.
Changes to what fleet does manage are \`pulumi preview --refresh
--expect-no-changes\`'s job.

Needs HEROKU_API_KEY (read-only use; HEROKU_API_URL points elsewhere).

Options:
  --stack <name>     the stack to check
  --json             print the report as one JSON object (fields in README.md)
  --json-out <file>  also write the JSON report to a file (the text goes to stdout)
  --dir <path>       folder holding Pulumi.yaml and the stack files (default: this repository)
  --help             show this help

Exit status: 0 no drift; 7 drift found (as \`pulumi preview --expect-no-changes\`);
1 the check failed (stack configuration problems, Heroku API errors); 2 bad
arguments or no HEROKU_API_KEY.`;

export interface DriftIo {
  readonly stdout: (text: string) => Promise<void>;
  readonly stderr: (text: string) => void;
  readonly loadProgram: () => unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const DRIFT_FOUND = 7;

export async function runDrift(argv: readonly string[], io: DriftIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { stack: { type: "string" }, json: { type: "boolean" }, "json-out": { type: "string" }, dir: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    });
  } catch (e) {
    io.stderr(`drift: ${e instanceof Error ? e.message : String(e)}\n\n${DRIFT_HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    await io.stdout(`${DRIFT_HELP}\n`);
    return 0;
  }
  const stack = args.values.stack;
  if (!stack) {
    io.stderr("drift: --stack is required\n");
    return 2;
  }
  if (!io.env["HEROKU_API_KEY"]) {
    io.stderr("drift: HEROKU_API_KEY is not set: export HEROKU_API_KEY=$(heroku authorizations:create -s read -S -d fleet-drift)\n");
    return 2;
  }

  // The plan, in-process and as JSON: its documented fields say what fleet manages.
  let planText = "";
  const planIo: PlanIo = { stdout: async (text) => void (planText += text), stderr: io.stderr, loadProgram: io.loadProgram };
  const planArgs = ["--stack", stack, "--json", ...(args.values.dir ? ["--dir", args.values.dir] : [])];
  const planCode = await runPlan(planArgs, planIo);
  const plan = planJsonSchema.safeParse(JSON.parse(planText || "{}"));
  if (planCode !== 0 || !plan.success) {
    io.stderr(`drift: the plan of stack ${stack} failed (exit ${planCode}); run npm run plan -- --stack ${stack} to see why\n`);
    return planCode === 2 ? 2 : 1;
  }

  const api = herokuClient();
  const apps = [];
  try {
    for (const managed of managedApps(plan.data)) apps.push(appDrift(managed, await readLiveApp(api, managed.herokuName)));
  } catch (e) {
    io.stderr(`drift: reading stack ${stack}'s apps from Heroku failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const report = driftReport(stack, apps);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (args.values["json-out"]) fs.writeFileSync(args.values["json-out"], json);
  await io.stdout(args.values.json ? json : `${renderReport(report)}\n`);
  return report.drift ? DRIFT_FOUND : 0;
}
