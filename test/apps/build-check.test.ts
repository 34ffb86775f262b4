/**
 * The Heroku-like build check (scripts/lib/build-check.ts), proven on the
 * hello-app fixture and broken variants of it. The apps themselves go through
 * it in `npm run test:apps`, before their own suites.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  BuildCheckError,
  DEFAULT_ADMIN_DATABASE_URL,
  parseEnvFile,
  parseProcfile,
  runBuildCheck,
  type BuildCheckOptions,
  type BuildCheckReport,
  type CheckSpec,
} from "../../scripts/lib/build-check.js";

const FIXTURE = path.join(__dirname, "fixtures", "hello-app");
const FIXTURE_SPEC: CheckSpec = { healthPath: "/healthz", kinds: { release: "release", web: "web", worker: "worker" }, jobs: [] };
const FIXTURE_TIMEOUT_MS = 120_000;

function logReport(report: BuildCheckReport): void {
  const steps = report.timings.map((t) => `${t.step} ${t.seconds.toFixed(1)}s`).join(", ");
  console.log(`build check ${report.name}: ${report.files.length} files, sha256 ${report.sha256.slice(0, 12)}… — ${steps}`);
  for (const warning of report.warnings) console.log(`build check ${report.name}: warning: ${warning}`);
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: DEFAULT_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

// ── The check itself, proven on a fixture ────────────────────────────────────

describe("the build check (hello-app fixture)", () => {
  it(
    "packs, installs, builds, prunes, runs release, web and worker, and stops them",
    async () => {
      const report = await runBuildCheck({ name: "hello-app", appDir: FIXTURE });
      logReport(report);
      // What was uploaded: sources and the local devDependency, never the spec or tests.
      expect(report.files).toEqual(expect.arrayContaining(["Procfile", "package-lock.json", "src/server.js", "tools/hello-banner/index.js", ".env.example"]));
      expect(report.files).not.toContain("deploy.ts");
      expect(report.files.some((file) => file.startsWith("test/"))).toBe(false);
      // Every step ran, in Heroku's order.
      expect(report.timings.map((t) => t.step)).toEqual([
        "pack",
        "unpack",
        "create database",
        "npm ci",
        "build",
        "prune",
        "release",
        "web ready",
        "web SIGTERM to exit",
        "worker ready",
        "worker SIGTERM to exit",
      ]);
      expect(report.warnings).toEqual([]);
      expect(fs.existsSync(report.buildDir)).toBe(false);
      expect(await databaseExists(report.database)).toBe(false);
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "hands the caller the build folder after the build and before the prune",
    async () => {
      const seen: { devDependency: boolean; built: boolean }[] = [];
      const report = await runBuildCheck({
        name: "hello-after-build",
        appDir: FIXTURE,
        spec: FIXTURE_SPEC,
        afterBuild: async (buildDir) => {
          seen.push({
            devDependency: fs.existsSync(path.join(buildDir, "node_modules", "hello-banner", "package.json")),
            built: fs.existsSync(path.join(buildDir, "dist", "server.js")),
          });
        },
        keepBuildDir: true,
      });
      try {
        expect(seen).toEqual([{ devDependency: true, built: true }]);
        const steps = report.timings.map((t) => t.step);
        expect(steps.slice(steps.indexOf("build"), steps.indexOf("build") + 3)).toEqual(["build", "after build", "prune"]);
        // The prune still ran afterwards: the dyno runs without dev dependencies.
        expect(fs.existsSync(path.join(report.buildDir, "node_modules", "hello-banner"))).toBe(false);
      } finally {
        fs.rmSync(path.dirname(report.buildDir), { recursive: true, force: true });
      }
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "leaves nothing behind that keeps the caller's process alive",
    async () => {
      // A timer left pending (the 25 s SIGTERM allowance) once kept `npm run test:apps` running that long after its last app.
      const script = `import("./scripts/lib/build-check.ts").then((m) => m.runBuildCheck({ name: "hello-exit", appDir: ${JSON.stringify(FIXTURE)} })).then(() => console.log("checked"));`;
      const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: path.resolve(__dirname, "..", ".."), stdio: ["ignore", "pipe", "inherit"] });
      let checkedAt = 0;
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString("utf8").includes("checked")) checkedAt = Date.now();
      });
      const [code] = (await once(child, "close")) as [number | null];
      expect(code).toBe(0);
      expect(checkedAt).toBeGreaterThan(0);
      expect(Date.now() - checkedAt).toBeLessThan(5000);
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails, and still cleans up, when the caller's afterBuild fails",
    async () => {
      const error = await runBuildCheck({
        name: "hello-after-build-fails",
        appDir: FIXTURE,
        spec: FIXTURE_SPEC,
        afterBuild: () => Promise.reject(new Error("cp -a exited 1")),
      }).catch((e: unknown) => e);
      expect(String(error)).toContain("cp -a exited 1");
    },
    FIXTURE_TIMEOUT_MS,
  );
});

// Variants of the fixture, each broken one way. One after another: the waits
// below are short, and a loaded machine would make side-by-side runs flaky.
describe("the build check catches what Heroku would reject", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-build-check-fixtures-"));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** A copy of the fixture with some files replaced, checked with short timeouts. */
  async function checkVariant(name: string, changes: Record<string, string | null>, options: Partial<BuildCheckOptions> = {}): Promise<BuildCheckReport> {
    const dir = path.join(scratch, name);
    fs.cpSync(FIXTURE, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
    for (const [file, content] of Object.entries(changes)) {
      if (content === null) fs.rmSync(path.join(dir, file));
      else fs.writeFileSync(path.join(dir, file), content);
    }
    return runBuildCheck({ name, appDir: dir, spec: FIXTURE_SPEC, readyTimeoutMs: 10_000, shutdownTimeoutMs: 1500, ...options });
  }

  const procfile = (lines: Record<string, string>) =>
    Object.entries({ release: "node dist/release.js", web: "node dist/server.js", worker: "node dist/worker.js", ...lines })
      .map(([type, command]) => `${type}: ${command}`)
      .join("\n");

  it(
    "fails when the build fails, with the build's output",
    async () => {
      const error = await checkVariant("hello-bad-build", { "build.js": "console.error('tsc: src/x.ts(1,1): error TS1005'); process.exit(2);\n" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildCheckError);
      expect(String(error)).toMatch(/hello-bad-build build exited 2/);
      expect(String(error)).toContain("error TS1005");
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails when release exits non-zero, with its output",
    async () => {
      const error = await checkVariant("hello-bad-release", {
        Procfile: procfile({ release: `node -e "console.error('migration 002 failed'); process.exit(1)"` }),
      }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/hello-bad-release release exited 1/);
      expect(String(error)).toContain("migration 002 failed");
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "runs every scheduled job once after the release, and fails when one exits non-zero",
    async () => {
      const jobs = [
        { name: "tick", command: `node -e "console.log('tick on ' + process.env.DYNO)"` },
        { name: "sweep", command: `node -e "console.error('sweep: OPENAI_BASE_URL unreachable'); process.exit(3)"` },
      ];
      const error = await checkVariant("hello-jobs", {}, { spec: { ...FIXTURE_SPEC, jobs } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildCheckError);
      expect(String(error)).toMatch(/hello-jobs job sweep exited 3/);
      expect(String(error)).toContain("OPENAI_BASE_URL unreachable");
      const report = await checkVariant("hello-job-ok", {}, { spec: { ...FIXTURE_SPEC, jobs: jobs.slice(0, 1) } });
      expect(report.timings.map((t) => t.step)).toEqual(expect.arrayContaining(["release", "job tick", "web ready"]));
      expect(report.timings.findIndex((t) => t.step === "job tick")).toBeLessThan(report.timings.findIndex((t) => t.step === "web ready"));
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails when web exits at boot (a variable missing from .env.example), naming it",
    async () => {
      const error = await checkVariant("hello-no-greeting", { ".env.example": "PORT=5000\n" }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/hello-no-greeting web exited 1 before answering \/healthz/);
      expect(String(error)).toContain("GREETING");
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails when /health never answers 200",
    async () => {
      const error = await checkVariant("hello-unhealthy", {}, { spec: { ...FIXTURE_SPEC, healthPath: "/nope" }, readyTimeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(String(error)).toMatch(/hello-unhealthy web did not answer GET \/nope with 200 within 2 s \(last: /);
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails when a process ignores SIGTERM",
    async () => {
      const stubborn = [
        `process.on("SIGTERM", () => console.log("ignoring SIGTERM"));`,
        `console.log("worker ready");`,
        `setInterval(() => undefined, 1000);`,
      ].join("\n");
      const error = await checkVariant("hello-stubborn", { "src/worker.js": stubborn }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/hello-stubborn worker was still running 1.5 s after SIGTERM/);
      expect(String(error)).toContain("ignoring SIGTERM");
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails when a worker never reports ready",
    async () => {
      const error = await checkVariant("hello-silent", { Procfile: procfile({ worker: `node -e "setInterval(() => {}, 1000)"` }) }, { readyTimeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(String(error)).toMatch(/hello-silent worker logged no line containing "ready" within 2 s/);
    },
    FIXTURE_TIMEOUT_MS,
  );

  it(
    "fails when a process exits non-zero on SIGTERM",
    async () => {
      const error = await checkVariant("hello-exit-143", {
        Procfile: procfile({ worker: `node -e "console.log('ready'); setInterval(() => {}, 1000)"` }),
      }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/hello-exit-143 worker was killed by SIGTERM after SIGTERM; it should exit 0/);
    },
    FIXTURE_TIMEOUT_MS,
  );
});

describe("build check parsing", () => {
  it("reads a Procfile as Heroku does", () => {
    const processes = parseProcfile("# comment\nweb: node dist/server.js\nrelease:   node dist/migrate.js  \n\nbad line\nworker-2: node w.js\n");
    expect([...processes]).toEqual([
      ["web", "node dist/server.js"],
      ["release", "node dist/migrate.js"],
      ["worker-2", "node w.js"],
    ]);
  });

  it("reads .env.example as heroku local does", () => {
    expect(
      parseEnvFile('# c\nA=1\nexport B=two words\nC="quoted # not a comment"\nD=\'single\'\nE=x # trailing comment\nF=\n bad line\nG="a\\nb"\n'),
    ).toEqual({ A: "1", B: "two words", C: "quoted # not a comment", D: "single", E: "x", F: "", G: "a\nb" });
  });
});
