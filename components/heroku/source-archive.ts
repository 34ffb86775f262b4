/**
 * The source an app uploads to Heroku: a deterministic `.tar.gz` of
 * `apps/<name>/`, minus what Heroku must not receive (dependencies, build
 * output, tests, local secrets, fleet's own spec).
 *
 * Equal content gives byte-identical gzip, hence an equal SHA-256, whatever the
 * files' mtimes, modes beyond the executable bit, umask, creation order or the
 * folder's absolute path — so an unchanged app triggers no new build.
 *
 * Recipe (what node-tar needs for byte-identical output): a sorted explicit entry list, `noDirRecurse`,
 * `portable`, a fixed mtime, modes normalised to 644/755 in `onWriteEntry`, and
 * a gzip header with no timestamp and a fixed OS byte.
 *
 * Pure module, no Pulumi: the Build provider captures it through Pulumi's
 * function serialization, so it keeps no module-level mutable state and builds
 * every RegExp inside functions. Imports are `import x = require()` and named
 * imports: every transpiler (tsc, tsx/esbuild, vitest) turns those into a plain
 * `require()` of the cached module, which the serializer re-emits as
 * `require("…")`; a default or namespace import becomes a wrapper object under
 * esbuild, which the serializer would try to copy field by field (and fail).
 */
import crypto = require("node:crypto");
import fs = require("node:fs");
import path = require("node:path");
import zlib = require("node:zlib");
import { Pack } from "tar";

/** What `packSource` produces: the bytes to upload and what is in them. */
export interface SourceArchive {
  /** The gzipped tarball, entries at the archive root (no top-level folder). */
  tarball: Buffer;
  /** Lowercase hex SHA-256 of `tarball` (Heroku wants `SHA256:<hex>` as the build's checksum). */
  sha256: string;
  /** Every file in the archive, sorted, POSIX paths relative to the app folder. */
  files: string[];
  /**
   * Lowercase hex SHA-256 of the uncompressed tar. Equal to another archive's
   * exactly when their contents are equal, even if a different zlib build
   * compressed them differently.
   */
  contentSha256: string;
}

/** One rule of what never leaves the app folder, in `.gitignore` syntax. */
export interface SourceExclusion {
  /**
   * `.gitignore`-style pattern: no `/` → matches a name at any depth; a leading
   * or inner `/` → anchored at the app root; trailing `/` → folders only; `*`,
   * `?`, `[…]`, `**`; a leading `!` keeps what an earlier rule excluded.
   */
  readonly pattern: string;
  /** Why, for readers and for `npm run pack -- --help`. */
  readonly reason: string;
}

/**
 * The built-in rules, applied in order (the last matching rule wins, as in
 * `.gitignore`), before the app's own `.slugignore`.
 */
export const SOURCE_EXCLUSIONS: readonly SourceExclusion[] = Object.freeze([
  { pattern: "node_modules/", reason: "dependencies: Heroku installs them with npm ci from the lockfile" },
  { pattern: ".git", reason: "version control" },
  { pattern: "/dist/", reason: "build output: Heroku runs npm run build" },
  { pattern: "/.next/", reason: "build output (Next.js)" },
  { pattern: "*.tsbuildinfo", reason: "build output (tsc incremental state)" },
  { pattern: "/coverage/", reason: "test coverage reports" },
  { pattern: "/test/", reason: "tests: not needed to build or run" },
  { pattern: "/tests/", reason: "tests: not needed to build or run" },
  { pattern: "__tests__/", reason: "tests: not needed to build or run" },
  ...["test", "spec"].flatMap((kind) =>
    ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"].map((ext) => ({
      pattern: `*.${kind}.${ext}`,
      reason: "tests: not needed to build or run",
    })),
  ),
  { pattern: ".env", reason: "local secrets: Heroku config vars replace it" },
  { pattern: ".env.*", reason: "local secrets: Heroku config vars replace it" },
  { pattern: "!.env.example", reason: "kept: documents every variable with a safe local value" },
  { pattern: "/deploy.ts", reason: "fleet's spec of the app, read by the Pulumi program, never uploaded" },
  { pattern: ".DS_Store", reason: "OS junk" },
  { pattern: "Thumbs.db", reason: "OS junk" },
  { pattern: "npm-debug.log*", reason: "local logs" },
]);

/**
 * The app's own ignore file. Heroku deletes what it lists after receiving the
 * source and before any buildpack runs, so such files can take no part in the
 * build; leaving them out of the upload therefore changes nothing on Heroku and
 * keeps edits to them from triggering a new build. Same syntax as `.gitignore`
 * except that, as on Heroku, `!` negations are not supported (an error here).
 * The `.slugignore` file itself is uploaded.
 */
export const SLUGIGNORE_FILE = ".slugignore";

/**
 * The folder beside the apps that holds code several apps share. An app links
 * it in (`src/shared -> ../../shared`); a link into it is the one link that may
 * leave the app folder, and its files are packed as the app's own, so the
 * upload still builds alone on Heroku.
 */
export const SHARED_CODE_FOLDER = "shared";

/** The fixed mtime of every entry (a constant; the real mtimes would break determinism). */
export const ARCHIVE_MTIME_ISO = "2000-01-01T00:00:00.000Z";

/**
 * Packs the app folder into the tarball the Build resource uploads.
 * @param appDir the app's folder, e.g. `apps/euterpe` (absolute or relative to the cwd)
 * @throws naming the file when a file cannot be read, a symlink leads outside
 *   the folder, dangles or loops, or the folder holds something that is not a
 *   file; when nothing is left to upload; when package.json depends on a
 *   `file:`/`link:` folder outside the app (Heroku could not install it).
 */
export async function packSource(appDir: string): Promise<SourceArchive> {
  const root = path.resolve(appDir);
  const files = await listSourceFiles(root);
  if (files.length === 0) {
    throw new Error(`Cannot pack ${root}: no files to upload (the folder is empty or every file in it is excluded).`);
  }
  checkLocalDependencies(root, files);
  await assertReadable(root, files);
  const tarBytes = await writeTar(root, archiveEntries(files));
  const tarball = await gzipDeterministic(tarBytes);
  return {
    tarball,
    sha256: sha256Hex(tarball),
    files,
    contentSha256: sha256Hex(tarBytes),
  };
}

/**
 * Every file `packSource` would upload: sorted (by UTF-16 code unit, the same
 * everywhere), POSIX paths relative to `appDir`. Symlinks inside the folder are
 * followed and listed under the link's own path.
 */
export async function listSourceFiles(appDir: string): Promise<string[]> {
  const root = path.resolve(appDir);
  let rootReal: string;
  try {
    rootReal = await fs.promises.realpath(root);
    if (!(await fs.promises.stat(rootReal)).isDirectory()) throw new Error("not a directory");
  } catch (error) {
    throw new Error(`Cannot pack ${root}: ${errorMessage(error)}`);
  }
  const matcher = buildMatcher([...SOURCE_EXCLUSIONS.map((rule) => rule.pattern), ...(await readSlugignore(root))]);
  const files: string[] = [];
  await walk({ root, rootReal, matcher, files }, "", [rootReal]);
  return files.sort(compareCodeUnits);
}

/**
 * Whether the built-in rules (and the given `.slugignore` patterns) leave
 * `relPath` out of the upload. `relPath` is POSIX, relative to the app folder.
 */
export function isExcluded(relPath: string, isDirectory: boolean, slugignore: readonly string[] = []): boolean {
  const matcher = buildMatcher([...SOURCE_EXCLUSIONS.map((rule) => rule.pattern), ...slugignore]);
  const segments = relPath.split("/");
  // As in .gitignore, a file inside an excluded folder is excluded.
  for (let i = 1; i < segments.length; i++) {
    if (matcher(segments.slice(0, i).join("/"), true)) return true;
  }
  return matcher(relPath, isDirectory);
}

/**
 * Parses `.slugignore` text into patterns (comments and blank lines dropped).
 * @throws on a `!` negation, which Heroku does not support.
 */
export function parseSlugignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/(?<!\\)\s+$/, "");
    if (line === "" || line.startsWith("#")) return;
    if (line.startsWith("!")) {
      throw new Error(
        `${SLUGIGNORE_FILE} line ${index + 1} ("${line}"): negations are not supported by Heroku; ` +
          `remove the line or narrow the pattern it was meant to override.`,
      );
    }
    patterns.push(line);
  });
  return patterns;
}

// ── Walking the folder ───────────────────────────────────────────────────────

interface WalkContext {
  readonly root: string;
  readonly rootReal: string;
  readonly matcher: Matcher;
  readonly files: string[];
}

async function walk(ctx: WalkContext, relDir: string, realAncestors: readonly string[]): Promise<void> {
  const absDir = relDir === "" ? ctx.root : path.join(ctx.root, ...relDir.split("/"));
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(absDir, { withFileTypes: true });
  } catch (error) {
    throw new Error(`Cannot read folder ${displayPath(relDir)} in ${ctx.root}: ${errorMessage(error)}`);
  }
  entries.sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const entry of entries) {
    const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
    const abs = path.join(absDir, entry.name);
    if (entry.isSymbolicLink()) {
      await walkSymlink(ctx, rel, abs, realAncestors);
    } else if (entry.isDirectory()) {
      if (ctx.matcher(rel, true)) continue;
      await walk(ctx, rel, [...realAncestors, path.join(realAncestors[realAncestors.length - 1] ?? ctx.rootReal, entry.name)]);
    } else if (entry.isFile()) {
      if (!ctx.matcher(rel, false)) ctx.files.push(rel);
    } else if (!ctx.matcher(rel, false)) {
      throw new Error(`Cannot pack ${rel} in ${ctx.root}: not a regular file, folder or symlink (socket, FIFO or device).`);
    }
  }
}

async function walkSymlink(ctx: WalkContext, rel: string, abs: string, realAncestors: readonly string[]): Promise<void> {
  let target: fs.Stats | undefined;
  try {
    target = await fs.promises.stat(abs);
  } catch {
    target = undefined;
  }
  // An excluded name is skipped whatever it points at (a linked node_modules is fine).
  if (ctx.matcher(rel, target?.isDirectory() ?? false)) return;
  const linkText = await fs.promises.readlink(abs).catch(() => "?");
  if (target === undefined) {
    throw new Error(`Cannot pack ${rel} in ${ctx.root}: it is a symlink to ${linkText}, which does not exist.`);
  }
  const real = await fs.promises.realpath(abs);
  if (target.isDirectory() && realAncestors.includes(real)) {
    throw new Error(`Cannot pack ${rel} in ${ctx.root}: it is a symlink to ${linkText}, which contains the link itself (a cycle).`);
  }
  if (!isWithin(ctx.rootReal, real) && !isWithin(path.join(path.dirname(ctx.rootReal), SHARED_CODE_FOLDER), real)) {
    throw new Error(
      `Cannot pack ${rel} in ${ctx.root}: it is a symlink to ${linkText}, outside the app folder. ` +
        `Heroku builds the app folder alone: copy the file into the app, make the link point inside it, ` +
        `or put shared code in the ${SHARED_CODE_FOLDER}/ folder beside the apps.`,
    );
  }
  if (target.isDirectory()) {
    await walk(ctx, rel, [...realAncestors, real]);
  } else if (target.isFile()) {
    ctx.files.push(rel);
  } else {
    throw new Error(`Cannot pack ${rel} in ${ctx.root}: it is a symlink to ${linkText}, which is not a regular file or folder.`);
  }
}

function isWithin(folder: string, file: string): boolean {
  const inside = path.relative(folder, file);
  return !inside.startsWith("..") && !path.isAbsolute(inside);
}

async function readSlugignore(root: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(root, SLUGIGNORE_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`Cannot read ${SLUGIGNORE_FILE} in ${root}: ${errorMessage(error)}`);
  }
  try {
    return parseSlugignore(text);
  } catch (error) {
    throw new Error(`In ${root}: ${errorMessage(error)}`);
  }
}

/**
 * Heroku builds the uploaded folder alone, so a `file:`/`link:` dependency that
 * points outside it cannot install there. Say so now rather than after a
 * failed build.
 */
function checkLocalDependencies(root: string, files: readonly string[]): void {
  if (!files.includes("package.json")) return;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Cannot pack ${root}: package.json is not valid JSON (${errorMessage(error)}).`);
  }
  const problems: string[] = [];
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    const deps = manifest[field];
    if (deps === null || typeof deps !== "object") continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec !== "string") continue;
      const local = /^(?:file|link):(.*)$/.exec(spec)?.[1];
      if (local === undefined) continue;
      const rel = path.relative(root, path.resolve(root, local));
      if (rel.startsWith("..") || path.isAbsolute(rel)) problems.push(`${field}.${name} = "${spec}"`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Cannot pack ${root}: package.json depends on folders outside the app, which Heroku's build cannot see: ` +
        `${problems.join(", ")}. Move that code into the app or publish it as a package.`,
    );
  }
}

async function assertReadable(root: string, files: readonly string[]): Promise<void> {
  for (const rel of files) {
    try {
      const handle = await fs.promises.open(path.join(root, ...rel.split("/")), "r");
      await handle.close();
    } catch (error) {
      throw new Error(`Cannot read ${rel} in ${root}: ${errorMessage(error)}`);
    }
  }
}

// ── Writing the archive ──────────────────────────────────────────────────────

/** Files plus each parent folder once, just before the first file under it. */
function archiveEntries(sortedFiles: readonly string[]): string[] {
  const entries: string[] = [];
  const seen = new Set<string>();
  for (const file of sortedFiles) {
    const segments = file.split("/");
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join("/");
      if (!seen.has(dir)) {
        seen.add(dir);
        entries.push(`${dir}/`);
      }
    }
    entries.push(file);
  }
  return entries;
}

async function writeTar(root: string, entries: readonly string[]): Promise<Buffer> {
  // tar.Pack rather than tar.create: create() reads an entry named "@x" as
  // "append the archive x", and an app may hold a file of that name.
  const pack = new Pack({
    cwd: root,
    portable: true,
    noDirRecurse: true,
    follow: true,
    strict: true,
    mtime: new Date(ARCHIVE_MTIME_ISO),
    onWriteEntry: (entry) => {
      const stat = entry.stat;
      if (stat === undefined) return;
      const executable = stat.isDirectory() || (stat.mode & 0o100) !== 0;
      stat.mode = (stat.mode & ~0o7777) | (executable ? 0o755 : 0o644);
    },
  });
  for (const entry of entries) pack.add(entry);
  pack.end();
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of pack) chunks.push(Buffer.from(chunk));
  } catch (error) {
    throw new Error(`Cannot pack ${root}: ${errorMessage(error)}`);
  }
  return Buffer.concat(chunks);
}

/** RFC 1952 header: no mtime (bytes 4–7 zero), OS byte 255 "unknown" so every platform writes the same. */
async function gzipDeterministic(data: Buffer): Promise<Buffer> {
  const gz = await new Promise<Buffer>((resolve, reject) =>
    zlib.gzip(data, { level: 9 }, (error, result) => (error ? reject(error) : resolve(result))),
  );
  gz.writeUInt32LE(0, 4);
  gz[9] = 0xff;
  return gz;
}

function sha256Hex(data: Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

// ── Patterns ─────────────────────────────────────────────────────────────────

type Matcher = (relPath: string, isDirectory: boolean) => boolean;

interface CompiledPattern {
  readonly regex: RegExp;
  readonly negate: boolean;
  readonly directoryOnly: boolean;
}

function buildMatcher(patterns: readonly string[]): Matcher {
  const compiled = patterns.map(compilePattern);
  return (relPath, isDirectory) => {
    let excluded = false;
    for (const pattern of compiled) {
      if (pattern.directoryOnly && !isDirectory) continue;
      if (pattern.regex.test(relPath)) excluded = !pattern.negate;
    }
    return excluded;
  };
}

function compilePattern(source: string): CompiledPattern {
  let pattern = source;
  const negate = pattern.startsWith("!");
  if (negate) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith("/");
  if (directoryOnly) pattern = pattern.slice(0, -1);
  const anchored = pattern.includes("/");
  if (pattern.startsWith("/")) pattern = pattern.slice(1);
  const body = globToRegexSource(pattern);
  return { regex: new RegExp(`^${anchored ? "" : "(?:.*/)?"}${body}$`), negate, directoryOnly };
}

function globToRegexSource(glob: string): string {
  let out = "";
  let i = 0;
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      const atStart = i === 0 || glob[i - 1] === "/";
      const followedBySlash = glob[i + 2] === "/";
      if (atStart && followedBySlash) {
        out += "(?:.*/)?";
        i += 3;
      } else {
        out += ".*";
        i += 2;
      }
    } else if (c === "*") {
      out += "[^/]*";
      i += 1;
    } else if (c === "?") {
      out += "[^/]";
      i += 1;
    } else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        i += 1;
      } else {
        let set = glob.slice(i + 1, close);
        if (set.startsWith("!")) set = `^${set.slice(1)}`;
        out += `[${set.replace(/\\/g, "\\\\")}]`;
        i = close + 1;
      }
    } else if (c === "\\" && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1] as string);
      i += 2;
    } else {
      out += escapeRegex(c);
      i += 1;
    }
  }
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// ── Small helpers ────────────────────────────────────────────────────────────

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function displayPath(relDir: string): string {
  return relDir === "" ? "." : relDir;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
