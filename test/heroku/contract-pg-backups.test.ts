/**
 * The backup and restore runbook's API steps (`npm run pg-backups`, the calls
 * `heroku pg:backups:*` makes) against the double's data API: capture and
 * wait, list, download the dump, restore only with confirmation, restore
 * from another app's backup, and a failed capture reported with its logs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPgBackups } from "../../scripts/lib/pg-backups-command";
import type { HerokuDouble } from "../heroku-double/index";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let dbName = "";
useHerokuDouble((h) => {
  heroku = h;
  h.seed.app({ name: "shop-prd" });
  dbName = h.seed.addon({ app: "shop-prd", plan: "heroku-postgresql:standard-0" }).name;
  h.seed.app({ name: "shop-stg" });
  h.seed.addon({ app: "shop-stg", plan: "heroku-postgresql:essential-0" });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-pg-backups-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runPgBackups(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

describe("npm run pg-backups", () => {
  it("captures a backup, waits for it, lists it and downloads the dump", async () => {
    const capture = await run("capture", "--app", "shop-prd");
    expect(capture).toMatchObject({ code: 0, err: "" });
    expect(capture.out).toMatch(/^b001 {2}backup of DATABASE {2}completed /);
    expect(heroku.state.transfersOf(dbName)).toMatchObject([{ num: 1, fromType: "pg_dump", toType: "gof3r", succeeded: true }]);
    // Polled on the billing app, as the CLI does.
    expect(heroku.requests.some((r) => r.host === "data" && /^\/client\/v11\/apps\/[^/]+\/transfers\/[0-9a-f-]{36}$/.test(r.path))).toBe(true);

    const list = await run("list", "--app", "shop-prd");
    expect(list.out.trim().split("\n")).toHaveLength(1);

    const out = path.join(dir, "latest.dump");
    const download = await run("download", "--app", "shop-prd", "--out", out);
    expect(download).toMatchObject({ code: 0, err: "" });
    expect(fs.readFileSync(out, "utf8")).toMatch(/^PGDMP/);
    expect(heroku.requests.some((r) => r.method === "POST" && r.path.endsWith("/transfers/1/actions/public-url"))).toBe(true);
  });

  it("restores only with --confirm naming the app, then replaces the database from the newest backup", async () => {
    const refused = await run("restore", "--app", "shop-prd");
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("confirm with --confirm shop-prd");
    expect(heroku.requests.some((r) => r.path.includes("/restores"))).toBe(false);

    const restored = await run("restore", "--app", "shop-prd", "--confirm", "shop-prd");
    expect(restored).toMatchObject({ code: 0, err: "" });
    expect(restored.out).toMatch(/^r002 {2}restore into DATABASE {2}completed .*: b001 of .* restored into /);
    expect(heroku.state.transfersOf(dbName).at(-1)).toMatchObject({ toType: "pg_restore", succeeded: true });
  });

  it("restores another app's backup (production's into staging)", async () => {
    const restored = await run("restore", "--app", "shop-stg", "--confirm", "shop-stg", "--from-app", "shop-prd", "--backup", "b001");
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.out).toMatch(/b001 of .* restored into /);
  });

  it("reports a failed capture with the transfer's last log lines, and an unknown backup by name", async () => {
    heroku.control.failNextTransfer({ app: "shop-prd", message: "pg_dump: error: out of shared memory" });
    const failed = await run("capture", "--app", "shop-prd");
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/backup b00\d of .* failed \(b00\d\)\. Its last log lines:\nStarting transfer\npg_dump: error: out of shared memory\nTransfer failed/);

    const missing = await run("download", "--app", "shop-prd", "--backup", "b099");
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/has no backup b099; its backups: b001, b00\d/);
  });

  it("refuses bad arguments with the help, and an app without that attachment with the API's answer", async () => {
    expect((await run("capture")).code).toBe(2);
    expect((await run("vacuum", "--app", "shop-prd")).err).toContain("give one command");
    const unknown = await run("list", "--app", "no-such-app");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/404.*DATABASE attachment/s);
  });
});
