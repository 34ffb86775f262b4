/**
 * What `npm run review-stack` does: writes a pull request's review stack
 * settings (`Pulumi.pr-<n>.yaml`, and a copy of `Pulumi.yaml`) into a folder,
 * with each Postgres on the cheapest plan whose connection budget fits, and
 * proves the stack shares nothing with staging or production before writing
 * it; or renders the pull-request comment with each app's URL.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { realProblems, type Problem } from "../../stacks/problems";
import { APP_SPECS } from "../../stacks/specs";
import { POSTGRES_BY_PRICE, reviewComment, reviewConfig, ReviewStackError, reviewStackName, sharedWith } from "./review-stack";
import { stackModel } from "./stack-model";

const REPO = path.resolve(__dirname, "..", "..");

export const REVIEW_HELP = `Usage: npm run review-stack -- --pr <n> --out <dir>
       npm run review-stack -- --pr <n> --comment <outputs.json>

Writes the settings of pull request <n>'s review stack, pr-<n>, into <dir>:
Pulumi.pr-<n>.yaml (generated from Pulumi.staging.yaml, never committed) and a
copy of Pulumi.yaml, so \`npm run plan -- --stack pr-<n> --dir <dir>\` plans it.
The stack runs on the staging tier with the cheapest plans that fit, its own
Heroku apps (<prefix>-<app>-pr-<n>), its own empty databases and Redis, no
Cloudflare zone (apps answer on their herokuapp.com hostnames) and no secret:
the review workflow sets the provided secrets. It is checked to share no Heroku
app, hostname or database with staging or production before it is written.

With --comment, prints the pull-request comment listing each app's URL from
\`pulumi stack output apps --json --stack pr-<n>\` saved in that file.

Options:
  --pr <n>               the pull request number
  --out <dir>            where to write the two files (created if missing)
  --comment <file>       render the URL comment instead
  --help                 show this help

Exit status: 0 written (or rendered); 1 the generated stack has problems or
would share something; 2 bad arguments.`;

type Io = { stdout: (text: string) => Promise<void>; stderr: (text: string) => void };

function problemLines(problems: readonly Problem[]): string {
  return problems.map((p) => `  ${p.where}: ${p.what}\n    fix: ${p.fix}`).join("\n");
}

export async function runReviewStack(argv: readonly string[], io: Io, root = REPO): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { pr: { type: "string" }, out: { type: "string" }, comment: { type: "string" }, help: { type: "boolean" } }, strict: true });
  } catch (e) {
    io.stderr(`review-stack: ${e instanceof Error ? e.message : String(e)}\n\n${REVIEW_HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    await io.stdout(`${REVIEW_HELP}\n`);
    return 0;
  }
  const pr = Number(args.values.pr);
  if (args.values.pr === undefined || !/^\d+$/.test(args.values.pr) || pr < 1) {
    io.stderr(`review-stack: --pr must be a pull request number, got ${args.values.pr ?? "nothing"}\n`);
    return 2;
  }
  if (args.values.comment !== undefined) return comment(pr, args.values.comment, io);
  if (!args.values.out) {
    io.stderr("review-stack: --out <dir> is required (or --comment <file>)\n");
    return 2;
  }
  const out = path.resolve(args.values.out);
  const stack = reviewStackName(pr);
  try {
    const staging = (parse(fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
    fs.mkdirSync(out, { recursive: true });
    if (path.resolve(root, "Pulumi.yaml") !== path.join(out, "Pulumi.yaml")) fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(out, "Pulumi.yaml"));
    const file = path.join(out, `Pulumi.${stack}.yaml`);
    const plans: Record<string, string> = {};
    for (;;) {
      const config = reviewConfig({ pr, staging, appNames: APP_SPECS.map((s) => s.name), postgresPlans: plans });
      fs.writeFileSync(file, `${header(pr)}${stringify({ config })}`);
      const built = stackModel(out, stack);
      if (built.ok) break;
      const overBudget = realProblems(built.problems).map((p) => /^database (.+)$/.exec(p.where)?.[1]).find((db) => db !== undefined && /connection budget/.test(built.problems.find((p) => p.where === `database ${db}`)?.what ?? ""));
      const next = overBudget ? POSTGRES_BY_PRICE[POSTGRES_BY_PRICE.indexOf(plans[overBudget] ?? POSTGRES_BY_PRICE[0]!) + 1] : undefined;
      if (!overBudget || !next || !(config["fleet:databases"] as Record<string, unknown> | undefined)?.[overBudget]) {
        fs.rmSync(file, { force: true });
        io.stderr(`review-stack: the review stack ${stack} would have problems:\n${problemLines(realProblems(built.problems))}\n`);
        return 1;
      }
      plans[overBudget] = next;
    }
    const review = stackModel(out, stack);
    const shared: string[] = [];
    for (const other of ["staging", "production"]) {
      const model = stackModel(root, other);
      if (review.ok && model.ok) shared.push(...sharedWith(review.model, model.model));
    }
    if (!review.ok || shared.length > 0) {
      fs.rmSync(file, { force: true });
      io.stderr(`review-stack: ${stack} would share with other stacks:\n${shared.map((s) => `  ${s}`).join("\n")}\n`);
      return 1;
    }
    const lines = review.model.apps.map((a) => `  ${a.name}: ${a.herokuName} (${a.processes.map((p) => `${p.type} ${p.size} × ${p.quantity}`).join(", ") || "no dynos"})`);
    const dbs = review.model.databases.map((d) => `  database ${d.name}: ${d.plan} billed to ${d.ownerApp}`);
    await io.stdout(`Wrote ${file} and ${path.join(out, "Pulumi.yaml")}\n${lines.join("\n")}\n${dbs.join("\n")}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ReviewStackError) {
      io.stderr(`review-stack: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function header(pr: number): string {
  return `# Review stack of pull request #${pr}, generated by \`npm run review-stack -- --pr ${pr}\`
# from Pulumi.staging.yaml: do not edit or commit. Its secrets are set by the
# review workflow (pulumi config set --secret), never written here.
`;
}

async function comment(pr: number, file: string, io: Io): Promise<number> {
  let outputs: unknown;
  try {
    outputs = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    io.stderr(`review-stack: --comment ${file} is not readable JSON: write it with pulumi stack output apps --json --stack ${reviewStackName(pr)} > ${file}\n`);
    return 2;
  }
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
    io.stderr(`review-stack: --comment ${file} is not the object pulumi stack output apps --json prints\n`);
    return 2;
  }
  await io.stdout(reviewComment(pr, outputs as Record<string, Record<string, unknown>>));
  return 0;
}
