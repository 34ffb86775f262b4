/**
 * The drift issue's decision, as a pure function and through
 * `npm run drift:issue`: opened when drift appears, updated only when what
 * it says changes, closed when the drift is gone, left alone when the check
 * failed; one issue per stack, found by its marker whatever its title.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { driftReport, type AppDrift } from "../../scripts/lib/drift/compare";
import { decideIssue, issueMarker, type OpenIssue } from "../../scripts/lib/drift/issue";
import { runDriftIssue } from "../../scripts/lib/drift-issue-command";

const clean = (app: string): AppDrift => ({ app, herokuName: `fleet-${app}`, missing: false, configVars: [], addons: [], domains: [], drains: { unmanaged: 0, tokens: [] }, formation: [] });
const drifted = (keys: string[]): AppDrift => ({ ...clean("shop"), configVars: keys });
const report = (apps: AppDrift[], stack = "production") => driftReport(stack, apps);

describe("decideIssue", () => {
  it("opens an issue when drift appears, naming every item without values", () => {
    const decision = decideIssue({ stack: "production", report: report([drifted(["DEBUG"]), clean("bot")]), runUrl: "https://ci/run/1" }, []);
    expect(decision).toMatchObject({ action: "open", title: "Drift on stack production" });
    if (decision.action !== "open") throw new Error("expected open");
    expect(decision.body).toContain(issueMarker("production"));
    expect(decision.body).toContain("- `fleet-shop` (shop)\n  - config vars set by hand: DEBUG");
    expect(decision.body).not.toContain("fleet-bot");
    expect(decision.body).toContain("Last checked by https://ci/run/1");
  });

  it("opens one for the program's own drift (preview exit 7) too", () => {
    const decision = decideIssue({ stack: "staging", report: report([clean("shop")], "staging"), previewExit: 7 }, []);
    expect(decision.action).toBe("open");
    if (decision.action === "open") expect(decision.body).toContain("The program's own resources changed");
  });

  it("updates the stack's issue only when its drift changed, whatever the title and run link", () => {
    const first = decideIssue({ stack: "production", report: report([drifted(["DEBUG"])]), runUrl: "https://ci/run/1" }, []);
    if (first.action !== "open") throw new Error("expected open");
    const open: OpenIssue[] = [
      { number: 3, title: "someone renamed it", body: first.body },
      { number: 4, title: "Drift on stack staging", body: `${issueMarker("staging")}\n…` },
    ];
    expect(decideIssue({ stack: "production", report: report([drifted(["DEBUG"])]), runUrl: "https://ci/run/2" }, open)).toEqual({
      action: "none",
      number: 3,
      reason: "the drift of stack production is unchanged",
    });
    const changed = decideIssue({ stack: "production", report: report([drifted(["DEBUG", "EXTRA"])]), runUrl: "https://ci/run/2" }, open);
    expect(changed).toMatchObject({ action: "update", number: 3, title: "someone renamed it" });
    if (changed.action === "update") expect(changed.body).toContain("DEBUG, EXTRA");
  });

  it("closes the issue once no drift is left, and does nothing when there was none", () => {
    const open: OpenIssue[] = [{ number: 9, title: "Drift on stack production", body: `${issueMarker("production")}\nold` }];
    expect(decideIssue({ stack: "production", report: report([clean("shop")]), previewExit: 0 }, open)).toMatchObject({ action: "close", number: 9 });
    expect(decideIssue({ stack: "production", report: report([clean("shop")]) }, [])).toEqual({ action: "none", reason: "no drift in stack production" });
    // Another stack's issue is not this stack's.
    expect(decideIssue({ stack: "staging", report: report([clean("shop")], "staging") }, open)).toMatchObject({ action: "none" });
  });

  it("leaves the issue alone when the check failed", () => {
    const open: OpenIssue[] = [{ number: 9, title: "t", body: issueMarker("production") }];
    expect(decideIssue({ stack: "production", report: undefined }, open)).toMatchObject({ action: "none", number: 9 });
    expect(decideIssue({ stack: "production", report: report([clean("shop")]), previewExit: 255 }, open)).toMatchObject({ action: "none", number: 9 });
  });
});

describe("npm run drift:issue", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-drift-issue-"));
  const file = (name: string, value: unknown): string => {
    const p = path.join(dir, name);
    writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
    return p;
  };
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runDriftIssue(argv, { stdout: async (t) => void (out += t), stderr: (t) => void (err += t) });
    return { code, out, err };
  }

  it("prints the decision as JSON from the files the workflow writes", async () => {
    const issues = file("issues.json", [{ number: 12, title: "Drift on stack production", body: `${issueMarker("production")}\nold` }]);
    const reportFile = file("drift.json", report([drifted(["DEBUG"])]));
    const { code, out } = await run(["--stack", "production", "--issues", issues, "--report", reportFile, "--preview-exit", "0"]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ action: "update", number: 12 });
    const empty = file("empty.json", "");
    expect(JSON.parse((await run(["--stack", "production", "--issues", issues, "--report", empty, "--preview-exit", "0"])).out)).toMatchObject({ action: "none", number: 12 });
  });

  it("refuses missing or unreadable inputs with exit 2", async () => {
    expect((await run(["--stack", "production"])).code).toBe(2);
    expect((await run(["--stack", "production", "--issues", file("bad.json", "{not json")])).err).toContain("is not a readable JSON file");
    const issues = file("ok.json", []);
    expect((await run(["--stack", "staging", "--issues", issues, "--report", file("other.json", report([clean("x")]))])).err).toContain("is not a drift report of stack staging");
    expect((await run(["--stack", "production", "--issues", issues, "--preview-exit", "seven"])).code).toBe(2);
    expect((await run(["--help"])).out).toContain("Usage: npm run drift:issue");
  });

  it("reads the report whole: one of another shape is refused, and what it adds beyond names never reaches the issue", async () => {
    const issues = file("none.json", []);
    const partial = file("partial.json", { version: 1, stack: "production", count: 1, drift: true, apps: [{ app: "shop", herokuName: "fleet-shop" }] });
    const refused = await run(["--stack", "production", "--issues", issues, "--report", partial]);
    expect(refused).toMatchObject({ code: 2, err: expect.stringContaining("is not a drift report of stack production") });

    const [app] = report([drifted(["DEBUG"])]).apps;
    const extra = file("extra.json", { version: 1, stack: "production", count: 1, drift: true, apps: [{ ...app, values: { DEBUG: "sql-password-123" } }] });
    const decided = await run(["--stack", "production", "--issues", issues, "--report", extra, "--preview-exit", "0"]);
    expect(decided.code).toBe(0);
    expect(JSON.parse(decided.out)).toMatchObject({ action: "open", body: expect.stringContaining("config vars set by hand: DEBUG") });
    expect(decided.out).not.toContain("sql-password-123");
  });
});
