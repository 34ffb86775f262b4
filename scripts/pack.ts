/**
 * `npm run pack -- <app> --out <file.tgz>`: writes exactly the tarball the
 * Build resource uploads to Heroku for apps/<app>, so anyone can inspect it
 * (`tar -tzvf`) or build it by hand.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { packSource, SLUGIGNORE_FILE, SOURCE_EXCLUSIONS } from "../components/heroku/source-archive.js";
import { APPS_DIR, listApps } from "./lib/apps";


const USAGE = `Usage: npm run pack -- <app> --out <file.tgz> [--list]

Writes the source tarball that fleet's Build resource uploads to Heroku for
apps/<app>, and prints its file count, size and SHA-256 (the build's checksum).

Options:
  --out, -o <file>  where to write the .tgz (required; outside the app folder)
  --list, -l        also print every file in the archive
  --help, -h        show this help

Left out of every upload (in order; the last matching rule wins, as in .gitignore):
${describeExclusions()}
plus whatever the app's ${SLUGIGNORE_FILE} lists (Heroku deletes those files before the build anyway).
Symlinks are followed when they stay inside the app folder; any other is an error.`;

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        list: { type: "boolean", short: "l" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const apps = listApps();
  const [app, ...extra] = positionals;
  if (app === undefined) throw new UsageError(`Name the app to pack. Apps: ${apps.join(", ") || "(none yet)"}.`);
  if (extra.length > 0) throw new UsageError(`Pack one app at a time (got ${positionals.join(", ")}).`);
  if (!apps.includes(app)) {
    throw new UsageError(`There is no app "${app}" under apps/. Apps: ${apps.join(", ") || "(none yet)"}.`);
  }
  if (values.out === undefined || values.out === "") {
    throw new UsageError(`Say where to write the tarball: npm run pack -- ${app} --out ${app}.tgz`);
  }
  const appDir = path.join(APPS_DIR, app);
  const out = path.resolve(values.out);
  const relToApp = path.relative(appDir, out);
  if (!relToApp.startsWith("..") && !path.isAbsolute(relToApp)) {
    throw new UsageError(`--out ${values.out} is inside apps/${app}/, so the next pack would upload it: write it elsewhere.`);
  }

  const archive = await packSource(appDir);
  await fs.promises.mkdir(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  await fs.promises.writeFile(partial, archive.tarball);
  await fs.promises.rename(partial, out);

  if (values.list === true) for (const file of archive.files) console.log(file);
  console.log(
    `${app}: ${archive.files.length} files, ${formatSize(archive.tarball.length)}, sha256 ${archive.sha256}\n` +
      `wrote ${displayPath(out)}`,
  );
}

/** The rules, one line per reason, in order of first appearance. */
function describeExclusions(): string {
  const byReason = new Map<string, string[]>();
  for (const rule of SOURCE_EXCLUSIONS) byReason.set(rule.reason, [...(byReason.get(rule.reason) ?? []), rule.pattern]);
  return [...byReason].map(([reason, patterns]) => `  ${patterns.join(" ")}\n      ${reason}`).join("\n");
}


function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`pack: ${message}`);
  if (error instanceof UsageError) console.error("Run npm run pack -- --help for usage.");
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
