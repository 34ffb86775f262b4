import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import {
  ARCHIVE_MTIME_ISO,
  isExcluded,
  listSourceFiles,
  packSource,
  parseSlugignore,
  SHARED_CODE_FOLDER,
  SOURCE_EXCLUSIONS,
} from "../components/heroku/source-archive.js";

// ── Fixtures ─────────────────────────────────────────────────────────────────

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-source-archive-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A fresh empty folder, `depth` levels below a unique one (so absolute paths differ). */
function freshDir(depth = 0): string {
  counter += 1;
  let dir = path.join(scratch, `t${counter}`);
  for (let i = 0; i < depth; i++) dir = path.join(dir, `level${i}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

interface FileSpec {
  readonly content: string | Uint8Array;
  readonly executable?: boolean;
}
type Tree = Readonly<Record<string, string | FileSpec>>;

interface WriteStyle {
  /** Mode of plain files; executables get the owner-execute variant. */
  readonly plain: 0o600 | 0o644 | 0o664;
  readonly executable: 0o700 | 0o755 | 0o775;
  readonly dirMode: 0o700 | 0o755 | 0o775;
  readonly reverseOrder: boolean;
  readonly mtimeSeconds: number;
}

const styleA: WriteStyle = { plain: 0o644, executable: 0o755, dirMode: 0o755, reverseOrder: false, mtimeSeconds: 1_600_000_000 };
const styleB: WriteStyle = { plain: 0o600, executable: 0o700, dirMode: 0o700, reverseOrder: true, mtimeSeconds: 1_750_000_123 };

function writeTree(root: string, tree: Tree, style: WriteStyle = styleA): void {
  const paths = Object.keys(tree).sort();
  if (style.reverseOrder) paths.reverse();
  for (const rel of paths) {
    const spec = tree[rel] as string | FileSpec;
    const file = typeof spec === "string" ? { content: spec } : spec;
    const abs = path.join(root, ...rel.split("/"));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, file.content);
    fs.chmodSync(abs, file.executable === true ? style.executable : style.plain);
    fs.utimesSync(abs, style.mtimeSeconds, style.mtimeSeconds + rel.length);
  }
  // Folders last, so their modes and times stick.
  for (const rel of paths) {
    let dir = path.dirname(path.join(root, ...rel.split("/")));
    while (dir.length > root.length) {
      fs.chmodSync(dir, style.dirMode);
      fs.utimesSync(dir, style.mtimeSeconds, style.mtimeSeconds);
      dir = path.dirname(dir);
    }
  }
}

function makeApp(tree: Tree, style: WriteStyle = styleA, depth = 0): string {
  const dir = freshDir(depth);
  writeTree(dir, tree, style);
  return dir;
}

interface ExtractedEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: number | undefined;
  readonly mtime: Date | undefined;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly uname: string | undefined;
}

async function listArchive(tarball: Buffer): Promise<ExtractedEntry[]> {
  const entries: ExtractedEntry[] = [];
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      entries.push({
        path: entry.path,
        type: entry.type,
        mode: entry.mode,
        mtime: entry.mtime,
        uid: entry.uid,
        gid: entry.gid,
        uname: entry.uname,
      });
      entry.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("end", () => resolve());
    parser.on("error", reject);
    parser.end(tarball);
  });
  return entries;
}

async function extract(tarball: Buffer): Promise<string> {
  const dest = freshDir();
  const file = `${dest}.tgz`;
  fs.writeFileSync(file, tarball);
  await tar.x({ file, cwd: dest, strict: true });
  return dest;
}

/** Every file under `root` with its content and whether it is executable. */
function readTree(root: string): Map<string, { content: Buffer; executable: boolean }> {
  const out = new Map<string, { content: Buffer; executable: boolean }>();
  const visit = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(abs, rel);
      else out.set(rel, { content: fs.readFileSync(abs), executable: (fs.statSync(abs).mode & 0o100) !== 0 });
    }
  };
  visit(root, "");
  return out;
}

const minimalApp: Tree = {
  "package.json": '{"name":"demo","version":"1.0.0"}\n',
  "package-lock.json": '{"lockfileVersion":3}\n',
  Procfile: "web: node dist/server.js\n",
  "src/server.ts": "console.log('hi');\n",
  "src/lib/util.ts": "export const x = 1;\n",
  "bin/run": { content: "#!/bin/sh\necho run\n", executable: true },
};

// ── Determinism ──────────────────────────────────────────────────────────────

describe("packSource determinism", () => {
  it("gives byte-identical archives for the same content written differently", async () => {
    const a = makeApp(minimalApp, styleA, 0);
    const b = makeApp(minimalApp, styleB, 3);
    const [packA, packB] = await Promise.all([packSource(a), packSource(b)]);
    expect(packA.sha256).toBe(packB.sha256);
    expect(packA.contentSha256).toBe(packB.contentSha256);
    expect(packA.tarball.equals(packB.tarball)).toBe(true);
    expect(packA.files).toEqual(packB.files);
  });

  it("is the same when packed twice, from a relative path or an absolute one", async () => {
    const a = makeApp(minimalApp);
    const first = await packSource(a);
    const again = await packSource(path.relative(process.cwd(), a));
    expect(again.sha256).toBe(first.sha256);
  });

  it("changes when one byte changes", async () => {
    const a = makeApp(minimalApp);
    const b = makeApp({ ...minimalApp, "src/lib/util.ts": "export const x = 2;\n" });
    expect((await packSource(a)).sha256).not.toBe((await packSource(b)).sha256);
  });

  it("changes when a file gains or loses the executable bit", async () => {
    const a = makeApp(minimalApp);
    const b = makeApp({ ...minimalApp, "bin/run": "#!/bin/sh\necho run\n" });
    expect((await packSource(a)).sha256).not.toBe((await packSource(b)).sha256);
  });

  it("changes when a file is renamed", async () => {
    const { "src/server.ts": server, ...rest } = minimalApp;
    const a = makeApp(minimalApp);
    const b = makeApp({ ...rest, "src/main.ts": server as string });
    expect((await packSource(a)).sha256).not.toBe((await packSource(b)).sha256);
  });

  it("reports the SHA-256 of the gzip bytes and of the tar inside", async () => {
    const archive = await packSource(makeApp(minimalApp));
    const crypto = await import("node:crypto");
    const zlib = await import("node:zlib");
    expect(archive.sha256).toBe(crypto.createHash("sha256").update(archive.tarball).digest("hex"));
    expect(archive.contentSha256).toBe(
      crypto.createHash("sha256").update(zlib.gunzipSync(archive.tarball)).digest("hex"),
    );
  });
});

// ── Archive layout ───────────────────────────────────────────────────────────

describe("packSource archive layout", () => {
  it("puts entries at the root, folders before their files, with fixed metadata", async () => {
    const archive = await packSource(makeApp(minimalApp, styleB));
    const entries = await listArchive(archive.tarball);
    expect(entries.map((e) => e.path)).toEqual([
      "Procfile",
      "bin/",
      "bin/run",
      "package-lock.json",
      "package.json",
      "src/",
      "src/lib/",
      "src/lib/util.ts",
      "src/server.ts",
    ]);
    for (const entry of entries) {
      const expectedMode = entry.type === "Directory" || entry.path === "bin/run" ? 0o755 : 0o644;
      expect({ path: entry.path, mode: entry.mode }).toEqual({ path: entry.path, mode: expectedMode });
      expect(entry.uid ?? 0).toBe(0);
      expect(entry.gid ?? 0).toBe(0);
      expect(entry.uname ?? "").toBe("");
      if (entry.type === "File") expect(entry.mtime?.toISOString()).toBe(ARCHIVE_MTIME_ISO);
    }
    expect(archive.files).toEqual(entries.filter((e) => e.type === "File").map((e) => e.path));
  });

  it("writes a gzip header with no timestamp and a fixed OS byte", async () => {
    const { tarball } = await packSource(makeApp(minimalApp));
    expect([...tarball.subarray(0, 3)]).toEqual([0x1f, 0x8b, 0x08]);
    expect(tarball.readUInt32LE(4)).toBe(0);
    expect(tarball[9]).toBe(0xff);
  });

  it("extracts with GNU tar, as Heroku's build does", async () => {
    const archive = await packSource(makeApp(minimalApp));
    const dest = freshDir();
    const file = `${dest}.tgz`;
    fs.writeFileSync(file, archive.tarball);
    execFileSync("tar", ["-xzf", file, "-C", dest]);
    expect([...readTree(dest).keys()].sort()).toEqual(archive.files);
    expect(fs.readFileSync(path.join(dest, "bin", "run"), "utf8")).toBe("#!/bin/sh\necho run\n");
  });

  it("packs a file whose name starts with @ as a file", async () => {
    const archive = await packSource(makeApp({ ...minimalApp, "@notes.txt": "not an archive\n" }));
    expect(archive.files).toContain("@notes.txt");
    expect(readTree(await extract(archive.tarball)).get("@notes.txt")?.content.toString()).toBe("not an archive\n");
  });

  it("keeps long and non-ASCII paths intact", async () => {
    const long = `src/${"deeply-nested-folder/".repeat(6)}a-file-with-a-rather-long-name-indeed.ts`;
    const archive = await packSource(makeApp({ ...minimalApp, [long]: "long\n", "src/çà-ü.ts": "unicode\n" }));
    const tree = readTree(await extract(archive.tarball));
    expect(tree.get(long)?.content.toString()).toBe("long\n");
    expect(tree.get("src/çà-ü.ts")?.content.toString()).toBe("unicode\n");
  });
});

// ── Exclusions ───────────────────────────────────────────────────────────────

describe("packSource exclusions", () => {
  const noisyApp: Tree = {
    ...minimalApp,
    "deploy.ts": "export default {};\n",
    "src/deploy.ts": "// a module of the app that happens to share the name\n",
    ".env": "SECRET=1\n",
    ".env.local": "SECRET=2\n",
    ".env.production": "SECRET=3\n",
    ".env.example": "PORT=3000\n",
    "node_modules/pg/index.js": "module.exports = {};\n",
    "src/vendor/node_modules/x/index.js": "nested\n",
    "dist/server.js": "built\n",
    ".next/BUILD_ID": "built\n",
    "tsconfig.tsbuildinfo": "{}\n",
    "coverage/lcov.info": "TN:\n",
    "test/server.test.ts": "test\n",
    "test/helpers.ts": "helper\n",
    "tests/e2e.ts": "test\n",
    "src/util.test.ts": "test\n",
    "src/util.spec.js": "test\n",
    "src/__tests__/a.ts": "test\n",
    "src/test/fixtures.ts": "kept: only the root test/ folder is tests by rule\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".DS_Store": "junk",
    "src/.DS_Store": "junk",
    "Thumbs.db": "junk",
    "npm-debug.log": "log\n",
    "README.md": "# demo\n",
    "migrations/001_init.sql": "select 1;\n",
  };

  it("leaves out dependencies, build output, tests, local secrets, deploy.ts and junk", async () => {
    const files = await listSourceFiles(makeApp(noisyApp));
    expect(files).toEqual([
      ".env.example",
      "Procfile",
      "README.md",
      "bin/run",
      "migrations/001_init.sql",
      "package-lock.json",
      "package.json",
      "src/deploy.ts",
      "src/lib/util.ts",
      "src/server.ts",
      "src/test/fixtures.ts",
    ]);
  });

  it("lists its rules as data, each with a reason", () => {
    expect(SOURCE_EXCLUSIONS.map((rule) => rule.pattern)).toEqual(
      expect.arrayContaining(["node_modules/", "/dist/", "/test/", "/tests/", "*.test.ts", ".env", "!.env.example", "/deploy.ts", ".DS_Store", "/coverage/", ".git"]),
    );
    for (const rule of SOURCE_EXCLUSIONS) expect(rule.reason.length).toBeGreaterThan(3);
  });

  it("answers isExcluded like the walk does", () => {
    expect(isExcluded("deploy.ts", false)).toBe(true);
    expect(isExcluded("src/deploy.ts", false)).toBe(false);
    expect(isExcluded("node_modules", true)).toBe(true);
    expect(isExcluded("a/node_modules/b/c.js", false)).toBe(true);
    expect(isExcluded("node_modules", false)).toBe(false);
    expect(isExcluded(".env.example", false)).toBe(false);
    expect(isExcluded("config/.env.staging", false)).toBe(true);
    expect(isExcluded("docs/a.psd", false, ["*.psd"])).toBe(true);
  });

  it("honours the app's .slugignore and uploads the file itself", async () => {
    const app = makeApp({
      ...minimalApp,
      ".slugignore": "# big things Heroku never needs\n*.psd\n/docs/\nassets/raw/**\n\nscripts/bench.*\n",
      "design/logo.psd": "psd",
      "src/img/icon.psd": "psd",
      "docs/guide.md": "guide",
      "src/docs/keep.ts": "kept: /docs/ is anchored\n",
      "assets/raw/a/b.png": "raw",
      "assets/ok.png": "ok",
      "scripts/bench.mjs": "bench",
      "scripts/seed.mjs": "seed",
    });
    const files = await listSourceFiles(app);
    expect(files).toEqual([
      ".slugignore",
      "Procfile",
      "assets/ok.png",
      "bin/run",
      "package-lock.json",
      "package.json",
      "scripts/seed.mjs",
      "src/docs/keep.ts",
      "src/lib/util.ts",
      "src/server.ts",
    ]);
  });

  it("rejects a .slugignore negation, which Heroku does not support", async () => {
    expect(() => parseSlugignore("*.md\n!README.md\n")).toThrow(/line 2 .*negations are not supported/);
    const app = makeApp({ ...minimalApp, ".slugignore": "!keep\n" });
    await expect(packSource(app)).rejects.toThrow(/\.slugignore line 1/);
  });

  it("refuses a file: dependency outside the app folder, which Heroku could not install", async () => {
    const app = makeApp({
      ...minimalApp,
      "package.json": JSON.stringify({ name: "demo", dependencies: { "@fleet/shared": "file:../shared", inside: "file:./vendor/inside" } }),
    });
    await expect(packSource(app)).rejects.toThrow(/dependencies\.@fleet\/shared = "file:\.\.\/shared"/);
  });
});

// ── Symlinks and unreadable things ───────────────────────────────────────────

describe("packSource symlinks and errors", () => {
  it("follows symlinks that stay inside the app folder", async () => {
    const app = makeApp({ ...minimalApp, "shared/config.json": '{"a":1}\n' });
    fs.symlinkSync("../shared/config.json", path.join(app, "src", "config.json"));
    fs.symlinkSync("shared", path.join(app, "linked"));
    const archive = await packSource(app);
    expect(archive.files).toEqual(expect.arrayContaining(["src/config.json", "linked/config.json", "shared/config.json"]));
    const tree = readTree(await extract(archive.tarball));
    expect(tree.get("src/config.json")?.content.toString()).toBe('{"a":1}\n');
    expect(tree.get("linked/config.json")?.content.toString()).toBe('{"a":1}\n');
  });

  it("gives a linked file the same bytes as a copied one", async () => {
    const copied = makeApp({ ...minimalApp, "shared.txt": "same\n", "alias.txt": "same\n" });
    const linked = makeApp({ ...minimalApp, "shared.txt": "same\n" });
    fs.symlinkSync("shared.txt", path.join(linked, "alias.txt"));
    expect((await packSource(linked)).sha256).toBe((await packSource(copied)).sha256);
  });

  it("refuses a symlink pointing outside the app folder, naming it", async () => {
    const outside = makeApp({ "secret.txt": "outside\n" });
    const app = makeApp(minimalApp);
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(app, "src", "leak.txt"));
    await expect(packSource(app)).rejects.toThrow(/src\/leak\.txt .*symlink to .*secret\.txt, outside the app folder/);
  });

  it("packs the shared code folder beside the apps, linked in, as the app's own files", async () => {
    const apps = fs.mkdtempSync(path.join(scratch, "apps-"));
    writeTree(path.join(apps, SHARED_CODE_FOLDER), { "env.ts": "export const shared = 1;\n" }, styleA);
    writeTree(path.join(apps, "other-app"), { "secret.ts": "x\n" }, styleA);
    const app = path.join(apps, "one-app");
    writeTree(app, minimalApp, styleA);
    fs.symlinkSync(`../../${SHARED_CODE_FOLDER}`, path.join(app, "src", "shared"));
    const archive = await packSource(app);
    expect(archive.files).toContain("src/shared/env.ts");
    expect(readTree(await extract(archive.tarball)).get("src/shared/env.ts")?.content.toString()).toBe("export const shared = 1;\n");
    // Only the shared folder: a link into another app is still refused.
    fs.symlinkSync("../../other-app", path.join(app, "src", "borrowed"));
    await expect(packSource(app)).rejects.toThrow(/src\/borrowed .*outside the app folder.*shared\/ folder beside the apps/);
  });

  it("refuses a relative symlink that climbs out of the app folder", async () => {
    const app = makeApp(minimalApp);
    fs.symlinkSync("../../..", path.join(app, "src", "up"));
    await expect(packSource(app)).rejects.toThrow(/src\/up .*outside the app folder/);
  });

  it("skips an excluded symlink whatever it points at", async () => {
    const outside = makeApp({ "index.js": "x" });
    const app = makeApp(minimalApp);
    fs.symlinkSync(outside, path.join(app, "node_modules"));
    expect(await listSourceFiles(app)).not.toContain("node_modules/index.js");
  });

  it("refuses a dangling symlink, naming it", async () => {
    const app = makeApp(minimalApp);
    fs.symlinkSync("missing.ts", path.join(app, "src", "ghost.ts"));
    await expect(packSource(app)).rejects.toThrow(/src\/ghost\.ts .*missing\.ts, which does not exist/);
  });

  it("refuses a symlink cycle", async () => {
    const app = makeApp(minimalApp);
    fs.symlinkSync("..", path.join(app, "src", "loop"));
    await expect(packSource(app)).rejects.toThrow(/src\/loop .*cycle/);
  });

  it("refuses a FIFO, naming it", async () => {
    const app = makeApp(minimalApp);
    execFileSync("mkfifo", [path.join(app, "src", "pipe")]);
    await expect(packSource(app)).rejects.toThrow(/src\/pipe .*not a regular file/);
  });

  it.skipIf(process.getuid?.() === 0)("names a file it cannot read", async () => {
    const app = makeApp(minimalApp);
    fs.chmodSync(path.join(app, "src", "server.ts"), 0o000);
    await expect(packSource(app)).rejects.toThrow(/Cannot read src\/server\.ts/);
  });

  it("refuses a folder with nothing to upload", async () => {
    await expect(packSource(makeApp({ "deploy.ts": "spec only\n", "node_modules/x.js": "x" }))).rejects.toThrow(/no files to upload/);
  });

  it("names the folder when it does not exist", async () => {
    await expect(packSource(path.join(scratch, "no-such-app"))).rejects.toThrow(/no-such-app/);
  });
});

// ── Pulumi serialization ─────────────────────────────────────────────────────

describe("packSource inside a Pulumi dynamic provider", () => {
  it("still works after pulumi.runtime.serializeFunction, as the engine runs it", async () => {
    const app = makeApp(minimalApp);
    // Run where the engine would: plain CommonJS (tsx), not vitest's module graph.
    const script = path.join(freshDir(), "serialize.cjs");
    fs.writeFileSync(
      script,
      `const Module = require("node:module");
const repoRequire = Module.createRequire(process.env.FLEET_REPO + "/package.json");
const pulumi = repoRequire("@pulumi/pulumi");
const { packSource } = repoRequire("./components/heroku/source-archive.ts");
(async () => {
  const serialized = await pulumi.runtime.serializeFunction(async (dir) => (await packSource(dir)).sha256, { isFactoryFunction: false });
  const module = { exports: {} };
  new Function("exports", "require", "module", serialized.text)(module.exports, repoRequire, module);
  const sha256 = await module.exports[serialized.exportName](process.env.FLEET_APP);
  process.stdout.write(JSON.stringify({ sha256, requires: serialized.text.match(/require\\("[^"]+"\\)/g) }));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`,
    );
    const repo = path.resolve(__dirname, "..");
    const output = execFileSync(process.execPath, ["--require", "tsx/cjs", script], {
      cwd: repo,
      env: { ...process.env, FLEET_REPO: repo, FLEET_APP: app },
      encoding: "utf8",
    });
    const result = JSON.parse(output) as { sha256: string; requires: string[] };
    expect(result.sha256).toBe((await packSource(app)).sha256);
    expect(result.requires).toEqual(expect.arrayContaining(['require("tar")', 'require("fs")']));
  }, 30_000);
});

// ── Properties ───────────────────────────────────────────────────────────────

/** Names: mostly ordinary, sometimes one the rules exclude, sometimes odd characters. */
const segmentArb = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,12}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("node_modules", "dist", "test", "tests", "deploy.ts", ".env", ".env.example", "x.test.ts", ".DS_Store", "coverage", "@at", "çé", "A B"),
  },
);

const treeArb = fc
  .array(
    fc.record({
      dirs: fc.array(segmentArb, { maxLength: 3 }),
      name: segmentArb,
      content: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 500, maxLength: 1600 })),
      executable: fc.boolean(),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((specs) => {
    // Keep a consistent tree: no path is both a file and a folder.
    const files: Record<string, FileSpec> = {};
    const dirs = new Set<string>();
    for (const spec of specs) {
      const rel = [...spec.dirs, spec.name].join("/");
      const ancestors = spec.dirs.map((_, i) => spec.dirs.slice(0, i + 1).join("/"));
      if (rel in files || dirs.has(rel) || ancestors.some((a) => a in files)) continue;
      files[rel] = { content: spec.content, executable: spec.executable };
      for (const a of ancestors) dirs.add(a);
    }
    return files;
  });

describe("packSource properties", () => {
  it("is deterministic and round-trips exactly the included files", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async (tree) => {
        const a = makeApp(tree, styleA, 1);
        const b = makeApp(tree, styleB, 2);
        const expected = Object.keys(tree)
          .filter((rel) => !isExcluded(rel, false))
          .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        if (expected.length === 0) {
          await expect(packSource(a)).rejects.toThrow(/no files to upload/);
          return;
        }
        const [packA, packB] = await Promise.all([packSource(a), packSource(b)]);
        expect(packB.sha256).toBe(packA.sha256);
        expect(packA.files).toEqual(expected);

        const extracted = readTree(await extract(packA.tarball));
        expect([...extracted.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(expected);
        for (const rel of expected) {
          const spec = tree[rel] as FileSpec;
          const got = extracted.get(rel);
          expect(got?.content.equals(Buffer.from(spec.content))).toBe(true);
          expect(got?.executable).toBe(spec.executable === true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
