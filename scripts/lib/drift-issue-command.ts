/**
 * What `npm run drift:issue` does: reads a drift report, the exit status of
 * the preview's drift check and the stack's open issues, and prints the
 * decision (open, update, close or nothing) as JSON for the workflow to carry
 * out with `gh`.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { decideIssue, openIssueSchema } from "./drift/issue";
import type { DriftReport } from "./drift/compare";

export const DRIFT_ISSUE_HELP = `Usage: npm run drift:issue -- --stack <stack> --issues <file> [--report <file>] [--preview-exit <code>] [--run-url <url>]

Decides what the stack's drift issue needs: prints one JSON object,
{action: open|update|close|none, number?, title?, body?, comment?, reason?}.
One issue per stack, found by a hidden marker in its body; it is updated only
when its text changes and closed when no drift is left. A check that failed
(no report, or a preview exit other than 0 and 7) changes nothing.

Options:
  --stack <name>        the stack
  --issues <file>       every open issue labelled drift (all pages), a JSON array of {number, title, body}
  --report <file>       npm run drift -- --json-out <file> (omit when the report failed)
  --preview-exit <code> exit status of pulumi preview --refresh --expect-no-changes (7 = drift)
  --run-url <url>       link to the workflow run, quoted in the issue
  --help                show this help

Exit status: 0 decided; 2 bad arguments or unreadable files.`;

const names = z.array(z.string());
/** The report `npm run drift -- --json-out` writes (scripts/lib/drift/compare.ts), read back whole: the issue quotes its names. */
const reportSchema = z.object({
  version: z.literal(1),
  stack: z.string(),
  apps: z.array(
    z.object({
      app: z.string(),
      herokuName: z.string(),
      missing: z.boolean(),
      configVars: names,
      // JSON leaves out a plan or size that is undefined: read back as undefined.
      addons: z.array(z.object({ name: z.string(), plan: z.string().optional(), attachment: z.string() }).transform((a) => ({ name: a.name, plan: a.plan, attachment: a.attachment }))),
      domains: names,
      drains: z.object({ unmanaged: z.number().int().nonnegative(), tokens: names }),
      formation: z.array(z.object({ type: z.string(), quantity: z.number().int(), size: z.string().optional() }).transform((f) => ({ type: f.type, quantity: f.quantity, size: f.size }))),
    }),
  ),
  count: z.number().int().nonnegative(),
  drift: z.boolean(),
}) satisfies z.ZodType<DriftReport>;

export async function runDriftIssue(argv: readonly string[], io: { stdout: (text: string) => Promise<void>; stderr: (text: string) => void }): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { stack: { type: "string" }, issues: { type: "string" }, report: { type: "string" }, "preview-exit": { type: "string" }, "run-url": { type: "string" }, help: { type: "boolean" } },
      strict: true,
    });
  } catch (e) {
    io.stderr(`drift:issue: ${e instanceof Error ? e.message : String(e)}\n\n${DRIFT_ISSUE_HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    await io.stdout(`${DRIFT_ISSUE_HELP}\n`);
    return 0;
  }
  const { stack, issues: issuesFile, report: reportFile } = args.values;
  if (!stack || !issuesFile) {
    io.stderr("drift:issue: --stack and --issues are required\n");
    return 2;
  }
  const previewText = args.values["preview-exit"];
  const previewExit = previewText === undefined || previewText === "" ? undefined : Number(previewText);
  if (previewExit !== undefined && !Number.isInteger(previewExit)) {
    io.stderr(`drift:issue: --preview-exit ${previewText} is not an exit status\n`);
    return 2;
  }
  const read = (file: string, what: string): unknown => {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      throw new Error(`${what} ${file} is not a readable JSON file`);
    }
  };
  let issues;
  let report: DriftReport | undefined;
  try {
    const parsed = openIssueSchema.safeParse(read(issuesFile, "--issues"));
    if (!parsed.success) throw new Error(`--issues ${issuesFile} is not a JSON array of open issues ({number, title, body}), as the drift workflow writes it`);
    issues = parsed.data;
    if (reportFile !== undefined && fs.existsSync(reportFile) && fs.statSync(reportFile).size > 0) {
      const parsedReport = reportSchema.safeParse(read(reportFile, "--report"));
      if (!parsedReport.success || parsedReport.data.stack !== stack) throw new Error(`--report ${reportFile} is not a drift report of stack ${stack}`);
      report = parsedReport.data;
    }
  } catch (e) {
    io.stderr(`drift:issue: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const decision = decideIssue({ stack, report, previewExit, runUrl: args.values["run-url"] }, issues);
  await io.stdout(`${JSON.stringify(decision)}\n`);
  return 0;
}
