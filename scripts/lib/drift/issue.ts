/**
 * The drift issue of a stack: one open GitHub issue per stack while drift
 * lasts. Given the scheduled run's findings and the open issues, decides
 * what to do — open one, update it (only when its text changes), close it
 * once the drift is gone, or nothing. A run that could not check never
 * closes an issue. Pure: the workflow carries the decision out with `gh`.
 */
import { z } from "zod";
import { driftLines, itemCount, type DriftReport } from "./compare";

export const openIssueSchema = z.array(z.object({ number: z.number().int(), title: z.string(), body: z.string().nullish() }).loose());
export type OpenIssue = z.infer<typeof openIssueSchema>[number];

export type IssueDecision =
  | { readonly action: "open"; readonly title: string; readonly body: string }
  | { readonly action: "update"; readonly number: number; readonly title: string; readonly body: string }
  | { readonly action: "close"; readonly number: number; readonly comment: string }
  | { readonly action: "none"; readonly number?: number; readonly reason: string };

export interface Findings {
  readonly stack: string;
  /** The unmanaged-items report, or undefined when `npm run drift` failed. */
  readonly report: DriftReport | undefined;
  /** Exit status of `pulumi preview --refresh --expect-no-changes` (7: the program's resources drifted), when it ran. */
  readonly previewExit?: number | undefined;
  /** Link to the workflow run, for the issue. */
  readonly runUrl?: string | undefined;
}

/** The hidden line that ties an issue to its stack, whatever its title becomes. */
export function issueMarker(stack: string): string {
  return `<!-- fleet-drift stack=${stack} -->`;
}

export function issueTitle(stack: string): string {
  return `Drift on stack ${stack}`;
}

function issueBody(f: Findings): string {
  const lines = [issueMarker(f.stack), `Heroku differs from what fleet manages in stack \`${f.stack}\`.`, ""];
  if (f.previewExit === 7) {
    lines.push("**The program's own resources changed**: `pulumi preview --refresh --expect-no-changes` found changes (see the run's log for the diff).", "");
  }
  const drifted = f.report?.apps.filter((a) => itemCount(a) > 0) ?? [];
  if (drifted.length > 0) {
    lines.push("**Not managed by fleet** (names only, never values):", "");
    for (const app of drifted) {
      lines.push(`- \`${app.herokuName}\` (${app.app})`);
      for (const line of driftLines(app)) lines.push(`  - ${line}`);
    }
    lines.push("");
  }
  lines.push(
    `Reproduce: \`npm run drift -- --stack ${f.stack}\` and \`pulumi preview --stack ${f.stack} --refresh --expect-no-changes --diff\`.`,
    "Fix: declare each item in the stack (and `pulumi up`), or remove it on Heroku. This issue is closed by the first scheduled run that finds no drift.",
  );
  if (f.runUrl) lines.push("", `Last checked by ${f.runUrl}`);
  return `${lines.join("\n")}\n`;
}

/** The body without the run link, which changes every run and is no reason to edit the issue. */
function substance(body: string | null | undefined): string {
  return (body ?? "").replace(/\n\nLast checked by .*\n?$/, "\n").trim();
}

export function decideIssue(findings: Findings, openIssues: readonly OpenIssue[]): IssueDecision {
  const marker = issueMarker(findings.stack);
  const existing = openIssues.filter((i) => (i.body ?? "").includes(marker)).sort((a, b) => a.number - b.number)[0];
  const previewFailed = findings.previewExit !== undefined && findings.previewExit !== 0 && findings.previewExit !== 7;
  if (!findings.report || previewFailed) {
    return { action: "none", ...(existing ? { number: existing.number } : {}), reason: `stack ${findings.stack} could not be checked; the issue stays as it is` };
  }
  const drift = findings.report.drift || findings.previewExit === 7;
  if (!drift) {
    if (!existing) return { action: "none", reason: `no drift in stack ${findings.stack}` };
    return { action: "close", number: existing.number, comment: `No drift left in stack ${findings.stack}${findings.runUrl ? ` (${findings.runUrl})` : ""}: closing.` };
  }
  const body = issueBody(findings);
  if (!existing) return { action: "open", title: issueTitle(findings.stack), body };
  if (substance(existing.body) === substance(body)) return { action: "none", number: existing.number, reason: `the drift of stack ${findings.stack} is unchanged` };
  return { action: "update", number: existing.number, title: existing.title, body };
}
