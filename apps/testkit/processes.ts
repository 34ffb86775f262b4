/**
 * The app's processes as Heroku runs them: the built JS started with nothing
 * but the environment it is given, every stdout line parsed as JSON (a line
 * that is not JSON fails the test), and ways to wait for a line or the exit.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export type LogLine = Record<string, unknown>;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface BuiltProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far, parsed. */
  readonly lines: LogLine[];
  /** Resolves with the first line matching (one already logged included); rejects if the process exits first or the time runs out. */
  waitFor(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves once the process has exited and its output is read. */
  readonly exit: Promise<ProcessExit>;
}

/** Compiles the app as `npm run build` does (tsc -p tsconfig.json --singleThreaded), output shown. */
export function buildApp(appDir: string): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--singleThreaded"], { cwd: appDir, stdio: "inherit" });
}

/** Starts `node <args>` in `appDir` with `env` and PATH only, as a dyno starts a Procfile command. */
export function runBuilt(appDir: string, args: readonly string[], env: Readonly<Record<string, string>>): BuiltProcess {
  const child = spawn(process.execPath, [...args], { cwd: appDir, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: LogLine[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    const line = JSON.parse(text) as LogLine; // every stdout line must be JSON
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.predicate(line))) waiter.resolve(line);
  });
  // "close", not "exit": by then stdout is read to the end, so `lines` holds every line.
  const exit = once(child, "close").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    lines,
    exit,
    waitFor(predicate, timeoutMs = 20_000) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exit.then(({ code }) => reject(new Error(`process exited (${code}) first; log: ${JSON.stringify(lines)}`)));
        setTimeout(() => reject(new Error(`timed out waiting for a log line; log: ${JSON.stringify(lines)}`)), timeoutMs).unref();
      });
    },
  };
}
