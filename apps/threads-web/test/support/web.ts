/**
 * The built site (dist/server.js on the standalone bundle) as a dyno runs it:
 * its own process, an environment, every stdout line parsed as JSON.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import { createInterface } from "node:readline";
import { APP_DIR } from "./global-build.js";

export interface WebProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Every stdout line that parsed as JSON. */
  readonly lines: Record<string, unknown>[];
  /** Lines that were not JSON. */
  readonly otherLines: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What a dyno of the site needs, pointing at `apiUrl`; `overrides` win. */
export function webEnv(port: number, apiUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    PORT: String(port),
    APP_ENV: "staging",
    SITE_URL: `http://127.0.0.1:${port}`,
    NEXT_PUBLIC_API_BASE_URL: apiUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "info",
    ...overrides,
  };
}

/** The Procfile's `web` command as node arguments (`node <flags> dist/server.js`). */
export function procfileWebArgs(): string[] {
  const line = fs.readFileSync(path.join(APP_DIR, "Procfile"), "utf8").split("\n").find((l) => l.startsWith("web:"));
  const [bin, ...args] = (line ?? "").slice("web:".length).trim().split(/\s+/);
  if (bin !== "node") throw new Error(`the Procfile's web command should start with node, not ${bin}`);
  return args;
}

export function runWeb(env: Record<string, string>): WebProcess {
  const port = Number(env.PORT);
  // dist/server.js always runs the production build, whatever NODE_ENV says.
  const child = spawn(process.execPath, procfileWebArgs(), { cwd: APP_DIR, env: { ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  const otherLines: string[] = [];
  const waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on("line", (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      otherLines.push(text);
      return;
    }
    lines.push(line);
    for (const waiter of waiters) if (waiter.predicate(line)) waiter.resolve(line);
  });
  createInterface({ input: child.stderr! }).on("line", (text) => otherLines.push(text));
  const exit = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    otherLines,
    exit,
    waitFor(predicate, timeoutMs = 20_000) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exit.then(({ code }) => reject(new Error(`web exited (${code}) first; output: ${JSON.stringify(lines)} ${otherLines.join("\n")}`)));
        setTimeout(() => reject(new Error(`timed out waiting for a log line; output: ${JSON.stringify(lines)}`)), timeoutMs).unref();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exit;
    },
  };
}

/** Starts the site and waits until Next.js is loaded. */
export async function startWeb(apiUrl: string, overrides: Record<string, string> = {}): Promise<WebProcess> {
  const port = await freePort();
  const web = runWeb(webEnv(port, apiUrl, overrides));
  await web.waitFor((line) => line.msg === "ready");
  return web;
}
