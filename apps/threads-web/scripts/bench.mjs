#!/usr/bin/env node
// Figures for the fleet note, printed, not asserted: build time, slug size,
// boot to listening, RSS after warm-up, landing page requests per second.
// Builds a copy of the app as Heroku does (npm ci, npm run build, npm prune
// --omit=dev, heroku-cleanup) in a scratch folder, then runs that slug.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const HELP = `Usage: npm run bench -- [--duration <seconds>] [--connections <n>] [--warmup <requests>] [--keep]

Builds the app as Heroku would in a scratch folder and prints:
  build time (npm run build), slug size (the pruned folder, and as a gzipped tar),
  boot to listening and to ready (ms), RSS after warm-up (MiB), landing page requests per second.

  --duration     seconds of load on / (default 5)
  --connections  concurrent keep-alive connections (default 8)
  --warmup       requests sent before RSS is read (default 300)
  --keep         keep the scratch folder (its path is printed)
  --help         this text`;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "8" },
    warmup: { type: "string", default: "300" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const durationMs = Number(values.duration) * 1000;
const connections = Number(values.connections);
const warmup = Number(values.warmup);

const appDir = path.resolve(import.meta.dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "threads-web-bench-"));
const slug = path.join(scratch, "app");
// What the Build resource uploads: no dependencies, build output, tests or fleet spec; src/shared as real files.
const LEFT_OUT = new Set(["node_modules", ".next", "dist", "test", "test-results", "deploy.ts", ".env"]);

const seconds = (since) => Math.round((performance.now() - since) / 100) / 10;
// As on Heroku: the config vars are visible to the build, NODE_ENV is production.
const npm = (args, env = {}) => execFileSync("npm", args, { cwd: slug, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });

function sizeOf(dir) {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    bytes += entry.isDirectory() ? sizeOf(full) : fs.lstatSync(full).size;
  }
  return bytes;
}
const mib = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(agent, port) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", agent }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    });
    request.on("error", reject);
  });
}

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;

let web;
try {
  fs.cpSync(appDir, slug, { recursive: true, dereference: true, filter: (source) => !LEFT_OUT.has(path.relative(appDir, source).split(path.sep)[0]) });
  const exampleEnv = Object.fromEntries(
    fs
      .readFileSync(path.join(slug, ".env.example"), "utf8")
      .split("\n")
      .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter(Boolean)
      .map((match) => [match[1], match[2]]),
  );

  let started = performance.now();
  npm(["ci", "--include=dev", "--no-audit", "--no-fund", "--prefer-offline"]);
  const installSeconds = seconds(started);
  started = performance.now();
  npm(["run", "build"], exampleEnv);
  const buildSeconds = seconds(started);
  npm(["prune", "--omit=dev", "--no-audit", "--no-fund"]);
  npm(["run", "heroku-cleanup"]);
  const slugBytes = sizeOf(slug);
  const tarBytes = execFileSync("tar", ["-czf", "-", "-C", slug, "."], { maxBuffer: 1024 * 1024 * 1024 }).length;
  const parts = Object.fromEntries(["node_modules", ".next", "dist"].map((part) => [part, fs.existsSync(path.join(slug, part)) ? mib(sizeOf(path.join(slug, part))) : 0]));

  const port = await freePort();
  const env = { PATH: process.env.PATH, ...exampleEnv, NODE_ENV: "production", APP_ENV: "staging", PORT: String(port), LOG_LEVEL: "warn" };
  started = performance.now();
  // The Procfile's web command, as the dyno runs it.
  const webCommand = /^web:\s*node\s+(.*)$/m.exec(fs.readFileSync(path.join(slug, "Procfile"), "utf8"))?.[1];
  if (webCommand === undefined) throw new Error("Procfile: no `web: node …` line");
  web = spawn(process.execPath, webCommand.trim().split(/\s+/), { cwd: slug, env: { ...env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "inherit"] });
  const boot = await new Promise((resolve, reject) => {
    const times = {};
    web.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: web.stdout }).on("line", (line) => {
      if (line.includes('"msg":"listening"')) times.listening = performance.now() - started;
      if (line.includes('"msg":"ready"')) {
        times.ready = performance.now() - started;
        resolve(times);
      }
    });
  });

  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  for (let sent = 0; sent < warmup; sent += connections) await Promise.all(Array.from({ length: connections }, () => get(agent, port)));
  const rss = rssMiB(web.pid);

  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + durationMs;
  const loadStarted = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) (await get(agent, port)) === 200 ? ok++ : failed++;
    }),
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  agent.destroy();
  const rssAfterLoad = rssMiB(web.pid);

  const results = {
    npm_ci_s: installSeconds,
    build_s: buildSeconds,
    slug_mib: mib(slugBytes),
    slug_tgz_mib: mib(tarBytes),
    slug_parts_mib: parts,
    boot_to_listening_ms: Math.round(boot.listening),
    boot_to_ready_ms: Math.round(boot.ready),
    rss_after_warmup_mib: Math.round(rss * 10) / 10,
    rss_after_load_mib: Math.round(rssAfterLoad * 10) / 10,
    landing_requests_per_second: Math.round(ok / loadSeconds),
    non_200: failed,
    connections,
    duration_s: Math.round(loadSeconds * 10) / 10,
    node: process.version,
    cpus: os.cpus().length,
    load_average_1m: Math.round(os.loadavg()[0] * 10) / 10,
  };
  console.log(`build (npm run build):   ${buildSeconds} s   (npm ci ${installSeconds} s)`);
  console.log(`slug:                    ${results.slug_mib} MiB on disk, ${results.slug_tgz_mib} MiB as .tar.gz (node_modules ${parts.node_modules}, .next ${parts[".next"]}, dist ${parts.dist} MiB)`);
  console.log(`boot to listening:       ${results.boot_to_listening_ms} ms   (to ready: ${results.boot_to_ready_ms} ms)`);
  console.log(`RSS after warm-up:       ${results.rss_after_warmup_mib} MiB   (after load: ${results.rss_after_load_mib} MiB)`);
  console.log(`landing page per second: ${results.landing_requests_per_second} (${connections} connections, ${results.duration_s} s, ${failed} non-200)`);
  console.log(JSON.stringify(results));
} finally {
  if (web && web.exitCode === null) {
    web.kill("SIGTERM");
    await new Promise((resolve) => web.once("exit", resolve));
  }
  if (values.keep) console.log(`scratch folder kept: ${scratch}`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}
