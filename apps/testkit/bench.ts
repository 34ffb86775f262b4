/**
 * The machinery of every app's `npm run bench`: the built processes started
 * as a dyno starts them (their output read, so a full pipe never stalls
 * them), HTTP load from keep-alive connections for a fixed time, latency
 * percentiles, and a process's memory and CPU as Linux counts them. The
 * figures themselves (what is loaded, what is printed) are each app's own.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { freePort } from "./net.js";

export { freePort };

/**
 * The bench's options: each `--<name> <number>` with its default, as numbers.
 * `--help` prints `help` and exits 0; an unknown option, or a value that is
 * not a number of at least 0, exits 2 naming it.
 */
export function benchOptions<const T extends Record<string, string>>(help: string, defaults: T): { readonly [K in keyof T]: number } {
  const options = Object.fromEntries(Object.entries(defaults).map(([name, value]) => [name, { type: "string" as const, default: value }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: "boolean", default: false } } }));
  } catch (error) {
    console.error(`${(error as Error).message}. See --help.`);
    process.exit(2);
  }
  if (values["help"] === true) {
    console.log(help);
    process.exit(0);
  }
  const numbers: Record<string, number> = {};
  for (const name of Object.keys(defaults)) {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) {
      console.error(`--${name} takes a number of at least 0, not "${String(values[name])}". See --help.`);
      process.exit(2);
    }
    numbers[name] = value;
  }
  return numbers as { readonly [K in keyof T]: number };
}

export interface Launched {
  readonly child: ChildProcess;
  /** Resolves with the ms from the start to the first stdout line containing `fragment`; rejects if the process exits first. Ask before awaiting anything. */
  lineContaining(fragment: string): Promise<number>;
}

/** Starts `node <args>` in `appDir` with `env` (stdout read, stderr shown). */
export function launch(appDir: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): Launched {
  const started = performance.now();
  const child = spawn(process.execPath, [...args], { cwd: appDir, env, stdio: ["ignore", "pipe", "inherit"] });
  const watchers: { fragment: string; resolve: (ms: number) => void }[] = [];
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`))));
  exited.catch(() => undefined);
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    for (const watcher of watchers.filter((w) => line.includes(w.fragment))) {
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve(performance.now() - started);
    }
  });
  return {
    child,
    lineContaining(fragment) {
      return Promise.race([new Promise<number>((resolve) => watchers.push({ fragment, resolve })), exited]);
    },
  };
}

export interface WebProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Spawn to the "listening" line. */
  readonly bootMs: number;
}

/** Starts a web process on a free port and waits until it listens. */
export async function startWeb(appDir: string, script: string, env: Readonly<Record<string, string | undefined>>): Promise<WebProcess> {
  const port = await freePort();
  const launched = launch(appDir, [script], { ...env, PORT: String(port) });
  const bootMs = await launched.lineContaining('"msg":"listening"');
  return { child: launched.child, port, bootMs };
}

/** SIGTERM, then waits for the exit (nothing to do when it has exited). */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** The release phase (`node dist/migrate.js`); throws with its output when it fails. */
export function release(appDir: string, env: Readonly<Record<string, string | undefined>>): void {
  const run = spawnSync(process.execPath, ["dist/migrate.js"], { cwd: appDir, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`release failed: ${run.stdout}${run.stderr}`);
}

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** From sending to the end of the body. */
  readonly ms: number;
  /** The body, when asked for (`readBody`); else empty. */
  readonly text: string;
}

export interface Call {
  readonly method?: string;
  readonly path: string;
  readonly headers?: http.OutgoingHttpHeaders;
  /** Sent as JSON. */
  readonly json?: unknown;
  readonly readBody?: boolean;
}

/** One request to 127.0.0.1:`port` on `agent`. */
export function call(agent: http.Agent, port: number, request: Call): Promise<Answer> {
  const payload = request.json === undefined ? undefined : JSON.stringify(request.json);
  const headers = payload === undefined ? { ...request.headers } : { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...request.headers };
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const outgoing = http.request({ host: "127.0.0.1", port, method: request.method ?? "GET", path: request.path, agent, headers }, (response) => {
      let text = "";
      if (request.readBody) {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
      } else {
        response.resume();
      }
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, ms: performance.now() - sent, text }));
    });
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

export interface LoadOptions {
  readonly connections: number;
  readonly durationMs: number;
  /** The request a connection sends next (`worker` its number, `sent` how many it sent before). */
  readonly send: (worker: number, sent: number) => Promise<Answer>;
  /** Whether an answer counts as served (its latency kept) rather than failed. @default status 200 */
  readonly served?: (answer: Answer) => boolean;
}

export interface LoadResult {
  /** Served answers per second. */
  readonly perSecond: number;
  /** Latencies of the served answers, ascending, in ms. */
  readonly latencies: readonly number[];
  readonly failed: number;
  readonly seconds: number;
}

/** `connections` loops, each sending its next request as soon as the last is answered, for `durationMs`. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const served = options.served ?? ((answer: Answer) => answer.status === 200);
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.connections }, async (_, worker) => {
      for (let sent = 0; performance.now() < deadline; sent++) {
        const answer = await options.send(worker, sent);
        if (served(answer)) latencies.push(answer.ms);
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, latencies, failed, seconds };
}

/** `requests` requests, `connections` at a time, results ignored: JIT, pools and caches warm. */
export async function warm(requests: number, connections: number, send: (worker: number) => Promise<Answer>): Promise<void> {
  for (let sent = 0; sent < requests; sent += connections) await Promise.all(Array.from({ length: connections }, (_, worker) => send(worker)));
}

/** The value below which `p` percent of `sorted` lie (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number | undefined): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid: number | undefined): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** Rounded to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
