/** Builds source tarballs for tests (gzipped, like the program's packer makes). */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { create } from "tar";

/** A .tar.gz of `files` (path → content), optionally under one top-level folder. */
export async function makeTarball(files: Readonly<Record<string, string>>, options: { topFolder?: string } = {}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "heroku-double-src-"));
  try {
    const root = options.topFolder ? join(dir, options.topFolder) : dir;
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    const out = join(dir, "..", `${dir.split("/").pop() ?? "src"}.tgz`);
    await create({ gzip: true, file: out, cwd: dir, portable: true }, options.topFolder ? [options.topFolder] : Object.keys(files));
    const bytes = await readFile(out);
    await rm(out, { force: true });
    return bytes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function sha256Checksum(bytes: Buffer): string {
  return `SHA256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A minimal Node app that builds: package.json with engines, a lockfile, a Procfile. */
export function nodeApp(procfile = "web: node server.js\n"): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name: "app", version: "1.0.0", engines: { node: "24.x" }, scripts: { start: "node server.js" } }),
    "package-lock.json": JSON.stringify({ name: "app", lockfileVersion: 3, packages: {} }),
    "server.js": "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);\n",
    Procfile: procfile,
  };
}
