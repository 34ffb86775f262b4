/**
 * The Procfile's processes and the one-off check as Heroku runs them: the
 * built JS with an environment. Boot fails naming bad variables; release
 * migrates (again and again); the worker on the local channel translates a
 * post through the fake APIs, reports ready and a heartbeat, and exits 0 on
 * SIGTERM; a wrong Telegram session stops it at boot naming the variable,
 * before any network; check.js reports each dependency and its exit code.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, runBuilt } from "./kit/processes.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { ANTHROPIC_KEY, FakeAnthropic } from "./support/fake-anthropic.js";
import { FakeEmbeddings, OPENAI_KEY } from "./support/fake-embeddings.js";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

const run = (script: string, env: Record<string, string>, args: string[] = []) => runBuilt(APP_DIR, [script, ...args], env);

// Each test boots built processes one after another: a minute leaves room for a busy machine.
describe("Procfile processes and check.js, built", { timeout: 60_000 }, () => {
  let db: TestDatabase;
  let anthropic: FakeAnthropic;
  let embeddings: FakeEmbeddings;
  let channelDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    buildApp(APP_DIR);
    db = await createTestDatabase("procs");
    anthropic = await FakeAnthropic.start();
    embeddings = await FakeEmbeddings.start();
    channelDir = mkdtempSync(path.join(tmpdir(), "zoomer-local-channel-"));
    env = {
      NODE_ENV: "production",
      APP_ENV: "development",
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: "zoomer_bot",
      PG_POOL_MAX: "3",
      CHANNEL_ADAPTER: "local",
      LOCAL_CHANNEL_DIR: channelDir,
      TG_API_ID: "12345",
      TG_API_HASH: "0123456789abcdef0123456789abcdef",
      SRC_CHANNEL: "@zoomer_local_source",
      DST_CHANNEL: "@zoomer_local_destination",
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: embeddings.url,
    };
  }, 120_000);
  afterAll(async () => {
    await anthropic?.close();
    await embeddings?.close();
    await db?.drop();
    if (channelDir) rmSync(channelDir, { recursive: true, force: true });
  });

  it("worker, release and check refuse to boot without their variables, naming each and exiting 1", async () => {
    for (const script of ["dist/worker.js", "dist/migrate.js", "dist/check.js"]) {
      const proc = run(script, { ANTHROPIC_API_KEY: "sk-ant-leak-me", TG_API_HASH: "sk-ant-leak-me-too" });
      expect((await proc.exit).code, script).toBe(1);
      const problems = (proc.lines[0]?.problems as { variable: string }[]).map((problem) => problem.variable).sort();
      expect(problems, script).toEqual(["APP_ENV", "DATABASE_SCHEMA", "DATABASE_URL", "DST_CHANNEL", "OPENAI_API_KEY", "PG_POOL_MAX", "SRC_CHANNEL", "TG_API_HASH", "TG_API_ID"]);
      expect(JSON.stringify(proc.lines)).not.toContain("leak-me");
    }
  });

  it("release migrates and exits 0, again and again; exits non-zero when it cannot", async () => {
    const first = run("dist/migrate.js", env);
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.at(-1)).toMatchObject({ msg: "migrations applied", applied: ["1767225600000_sessions-pairs-processed", "1767225600001_pgvector-where-available"] });
    const second = run("dist/migrate.js", env);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.lines.at(-1)).toMatchObject({ msg: "schema up to date", applied: [] });
    const broken = run("dist/migrate.js", { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect((await broken.exit).code).toBe(1);
    expect(broken.lines.at(-1)).toMatchObject({ level: "fatal" });
  });

  it("the worker on the local channel reports ready, translates a post from the inbox into the outbox, and exits 0 on SIGTERM", async () => {
    expect((await run("dist/migrate.js", env).exit).code).toBe(0);
    const worker = run("dist/worker.js", { ...env, DYNO: "worker.1" });
    try {
      const ready = await worker.waitFor((line) => line.event === "ready");
      expect(ready).toMatchObject({ app: "zoomer-bot", env: "development", dyno: "worker.1", channel: "local", search: "exact", msg: expect.stringContaining("ready") });
      writeFileSync(
        path.join(channelDir, "inbox", "7.json"),
        JSON.stringify({ text: "Hello from the inbox", entities: [{ type: "bold", offset: 0, length: 5 }] }),
      );
      const completed = await worker.waitFor((line) => line.event === "session_completed");
      expect(completed).toMatchObject({ messageId: 7, sessionMs: expect.any(Number) });
      const outbox = readdirSync(path.join(channelDir, "outbox"));
      expect(outbox).toEqual(["1.json"]);
      expect(JSON.parse(readFileSync(path.join(channelDir, "outbox", "1.json"), "utf8"))).toEqual({
        text: "EN: Hello from the inbox\n\nSource",
        entities: [
          { type: "bold", offset: 4, length: 5 },
          { type: "text_link", offset: 26, length: 6, url: "https://t.me/zoomer_local_source/7" },
        ],
      });
      worker.child.kill("SIGTERM");
      expect(await worker.exit).toEqual({ code: 0, signal: null });
      expect(worker.lines.map((line) => line.msg)).toContain("shut down cleanly");
      expect(JSON.stringify(worker.lines)).not.toContain(ANTHROPIC_KEY);
    } finally {
      worker.child.kill("SIGKILL");
    }

    // A restart sees the same inbox file again and does not translate it twice.
    const again = run("dist/worker.js", { ...env, DYNO: "worker.1" });
    try {
      await again.waitFor((line) => line.msg === "duplicate delivery ignored");
      again.child.kill("SIGTERM");
      expect((await again.exit).code).toBe(0);
      expect(readdirSync(path.join(channelDir, "outbox"))).toEqual(["1.json"]);
    } finally {
      again.child.kill("SIGKILL");
    }
  });

  it("a wrong or missing Telegram session stops the worker at boot naming TG_COMPRESSED_SESSION_STRING", async () => {
    const telegram = { ...env, CHANNEL_ADAPTER: "telegram", APP_ENV: "staging" };
    const wrong = run("dist/worker.js", { ...telegram, TG_COMPRESSED_SESSION_STRING: gzipSync("not a session").toString("base64") });
    expect((await wrong.exit).code).toBe(1);
    expect(wrong.lines.at(-1)).toMatchObject({
      level: "fatal",
      event: "authentication_failed",
      variable: "TG_COMPRESSED_SESSION_STRING",
      msg: expect.stringMatching(/^TG_COMPRESSED_SESSION_STRING is not a usable Telegram session: .*npm run login/),
    });
    const missing = run("dist/worker.js", telegram);
    expect((await missing.exit).code).toBe(1);
    expect(missing.lines.at(-1)?.msg).toMatch(/No Telegram session for APP_ENV=staging.*TG_COMPRESSED_SESSION_STRING/);
  });

  it("on Heroku only worker.1 runs, and a fleet stack refuses the local channel", async () => {
    const second = run("dist/worker.js", { ...env, DYNO: "worker.2" });
    expect((await second.exit).code).toBe(1);
    expect(second.lines.at(-1)?.msg).toMatch(/only worker.1 runs the bot .* this is worker.2/);
    const staging = run("dist/worker.js", { ...env, DYNO: "worker.1", APP_ENV: "staging" });
    expect((await staging.exit).code).toBe(1);
    expect(staging.lines[0]?.problems).toEqual([{ variable: "CHANNEL_ADAPTER", problem: expect.stringContaining("refuses") }]);
  });

  it("check.js passes when every dependency answers, and names each one that does not", async () => {
    expect((await run("dist/migrate.js", env).exit).code).toBe(0);
    const ok = run("dist/check.js", env);
    expect((await ok.exit).code).toBe(0);
    expect(ok.lines.filter((line) => line.event === "check").map((line) => [line.check, line.ok])).toEqual([
      ["database", true],
      ["telegram", true],
      ["anthropic", true],
      ["embeddings", true],
    ]);
    expect(ok.lines.find((line) => line.check === "database")?.detail).toMatch(/exact in process \(pgvector not installed\); 1 pairs; posts: posted 1/);

    const bad = run("dist/check.js", { ...env, ANTHROPIC_API_KEY: "sk-ant-wrong-key", DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", CHANNEL_ADAPTER: "telegram", TG_COMPRESSED_SESSION_STRING: "H4sIAAAAAAAAA" });
    expect((await bad.exit).code).toBe(1);
    expect(bad.lines.at(-1)).toMatchObject({ event: "check_summary", ok: false, failed: ["database", "telegram", "anthropic"] });
    expect(bad.lines.find((line) => line.check === "anthropic")?.detail).toMatch(/HTTP 401 authentication_error/);
    expect(JSON.stringify(bad.lines)).not.toContain("sk-ant-wrong-key");
  });
});
