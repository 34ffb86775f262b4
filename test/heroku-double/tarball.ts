/**
 * Reads a (gzipped) source tarball the way Heroku's build system sees it:
 * the list of paths, with a single top-level folder (GitHub-archive style)
 * stripped, and the contents of the few files the double inspects.
 */
import { Parser, type ReadEntry } from "tar";

export interface SourceTree {
  /** Every file path, relative to the app root. */
  readonly paths: readonly string[];
  /** Contents of the inspected files (`Procfile`, `package.json`, lockfiles) found at the root. */
  readonly files: ReadonlyMap<string, string>;
}

const INSPECTED = new Set(["Procfile", "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml"]);

export function readTarball(bytes: Buffer): Promise<SourceTree> {
  return new Promise((resolve, reject) => {
    const raw: Array<{ path: string; body: Buffer | null }> = [];
    const parser = new Parser({ strict: true });
    parser.on("entry", (entry: ReadEntry) => {
      const path = entry.path.replace(/^\.\//, "");
      if (entry.type !== "File" || path === "") {
        entry.resume();
        return;
      }
      const base = path.split("/").pop() ?? "";
      if (!INSPECTED.has(base) || entry.size > 1_000_000) {
        raw.push({ path, body: null });
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => raw.push({ path, body: Buffer.concat(chunks) }));
    });
    parser.on("error", (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
    parser.on("end", () => {
      const tops = new Set(raw.map((f) => (f.path.includes("/") ? f.path.split("/")[0] : "")));
      const [onlyTop] = [...tops];
      const strip = tops.size === 1 && onlyTop !== undefined && onlyTop !== "" ? `${onlyTop}/` : "";
      const files = new Map<string, string>();
      const paths: string[] = [];
      for (const f of raw) {
        const path = f.path.slice(strip.length);
        paths.push(path);
        if (f.body && INSPECTED.has(path)) files.set(path, f.body.toString("utf8"));
      }
      resolve({ paths, files });
    });
    parser.end(bytes);
  });
}

/** `web: npm start` lines → `{web: "npm start"}`; lines that are not `name: command` are skipped. */
export function parseProcfile(text: string): { types: Record<string, string>; skipped: string[] } {
  const types: Record<string, string> = {};
  const skipped: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const m = /^([-\w]{1,128}):\s*(.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) types[m[1]] = m[2].trim();
    else skipped.push(line);
  }
  return { types, skipped };
}
