/**
 * Shared by the Heroku provider tests and the benchmark: the local Heroku
 * double wired into the environment, a small app folder to build, the
 * engine's order of calls for one resource (check → create, diff → update…),
 * and a "full app" (app, add-ons, attachment, config vars, build, formation,
 * domain, drain, scheduler job) created, refreshed and destroyed through the
 * providers, with the numbers the benchmark prints.
 *
 * No vitest here: `scripts/bench.ts` imports `measureHerokuProviders()`.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { herokuStats, resetHerokuStats } from "../../components/heroku/client";
import { providers } from "../../components/heroku/providers/index";
import { startHerokuDouble, type HerokuDouble, type HerokuDoubleOptions } from "../heroku-double/index";

/** Settings that make retries, polls and timeouts take milliseconds. */
export const FAST_ENV: Readonly<Record<string, string>> = {
  FLEET_HEROKU_POLL_MS: "1",
  FLEET_HEROKU_RETRY_BASE_MS: "2",
  FLEET_HEROKU_RATE_LIMIT_BASE_MS: "4",
  FLEET_HEROKU_RETRY_CAP_MS: "40",
  FLEET_HEROKU_MAX_ATTEMPTS: "12",
  FLEET_HEROKU_REQUEST_TIMEOUT_MS: "2000",
  FLEET_HEROKU_WAIT_SCALE: "0.02",
  FLEET_HEROKU_RATE_LIMIT_REFILL_MS: "2",
  FLEET_HEROKU_LOG: "silent",
};

/** Starts the double and points this process's Heroku client at it (plus FAST_ENV and `extraEnv`). */
export async function startDouble(options: HerokuDoubleOptions = {}, extraEnv: Record<string, string> = {}): Promise<HerokuDouble> {
  const double = await startHerokuDouble(options);
  Object.assign(process.env, double.env, FAST_ENV, extraEnv);
  resetHerokuStats();
  return double;
}

/**
 * Throws when the double refused a request as one the API does not accept (a
 * field outside links.ts), or failed itself (an answer field outside links.ts included).
 */
export function assertRequestsValid(double: HerokuDouble): void {
  if (double.internalErrors.length > 0) {
    throw new Error(`the Heroku double failed ${double.internalErrors.length} time(s): ${double.internalErrors.slice(0, 3).map((e) => e.message).join("; ")}`);
  }
  if (double.violations.length === 0) return;
  const shown = double.violations.slice(0, 5).map((v) => `${v.method} ${v.link}: ${v.problem}`);
  throw new Error(`the providers sent ${double.violations.length} request(s) the Heroku API refuses: ${shown.join("; ")}`);
}

/** Requests that reached the Heroku APIs (platform, data, scheduler), not the blob host. */
export function apiRequestCount(double: HerokuDouble): number {
  return double.requests.filter((r) => r.host !== "blob").length;
}

/**
 * A minimal Node.js app as fleet's apps look to Heroku: package.json with
 * engines, a lockfile, a Procfile with web, worker and release.
 */
export function makeAppSource(options: { marker?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-heroku-src-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "demo", version: "1.0.0", engines: { node: "24.x" }, scripts: { start: "node index.js" } }, null, 2),
  );
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ name: "demo", lockfileVersion: 3, packages: {} }));
  writeFileSync(join(dir, "Procfile"), "web: node index.js\nworker: node worker.js\nrelease: node migrate.js\n");
  writeFileSync(join(dir, "index.js"), `console.log(${JSON.stringify(options.marker ?? "hello")});\n`);
  mkdirSync(join(dir, "test"));
  writeFileSync(join(dir, "test", "ignored.test.js"), "// excluded from the upload\n");
  return dir;
}

type Props = Record<string, unknown>;

/** One resource as the engine tracks it: id, checked inputs, outputs. */
export interface Tracked {
  readonly kind: keyof typeof providers;
  id: string;
  inputs: Props;
  outputs: Props;
}

/** The engine's create: Check (olds = {}) then Create with the checked inputs. Throws on check failures. */
export async function createResource(kind: keyof typeof providers, rawInputs: Props): Promise<Tracked> {
  const provider: pulumi.dynamic.ResourceProvider = providers[kind];
  const checked = provider.check ? await provider.check({}, rawInputs) : { inputs: rawInputs };
  if (checked.failures && checked.failures.length > 0) {
    throw new Error(`check of ${kind} failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
  const inputs = (checked.inputs ?? rawInputs) as Props;
  const created = await provider.create(inputs);
  return { kind, id: created.id, inputs, outputs: (created.outs ?? {}) as Props };
}

/** The engine's refresh of one resource: Read with the stored outputs; an empty id means gone. */
export async function readResource(tracked: Tracked): Promise<{ id: string; props: Props }> {
  const provider = providers[tracked.kind];
  if (!provider.read) throw new Error(`${tracked.kind} has no read`);
  const result = await provider.read(tracked.id, tracked.outputs);
  return { id: result.id ?? "", props: (result.props ?? {}) as Props };
}

/** The resources of one full app, in creation order. */
export interface FullApp {
  readonly name: string;
  readonly resources: Tracked[];
  byKind(kind: keyof typeof providers, index?: number): Tracked;
}

/** Secret values the full app uses (tests grep for them). */
export const FULL_APP_SECRETS = {
  sessionSecret: "s3ss10n-SECRET-value-9f8e7d",
  apiToken: "tok_live_ABCDEF0123456789",
  drainUrl: "syslog+tls://drain-user:drain-PASSWORD-77@logs.example.com:6514",
} as const;

/**
 * Creates a full app through the providers, in dependency order, as the
 * program's HerokuService would: app → add-ons → attachment → config vars →
 * build → formation → domain → drain → scheduler job.
 */
export async function createFullApp(name: string, sourceDir: string): Promise<FullApp> {
  const resources: Tracked[] = [];
  const add = async (kind: keyof typeof providers, inputs: Props): Promise<Tracked> => {
    const tracked = await createResource(kind, inputs);
    resources.push(tracked);
    return tracked;
  };
  const app = await add("app", { name, region: "us", stack: "heroku-24", acm: true, features: { "runtime-dyno-metadata": true } });
  const appId = String(app.outputs["appId"]);
  const db = await add("addon", { app: appId, plan: "heroku-postgresql:essential-0", name: `${name}-db`, attachmentName: "DATABASE" });
  await add("addon", { app: appId, plan: "heroku-redis:mini", attachmentName: "REDIS" });
  await add("addon", { app: appId, plan: "scheduler:standard" });
  await add("attachment", { addon: String(db.outputs["addonId"]), app: appId, name: "REPORTING_DATABASE" });
  await add("configVars", {
    app: appId,
    vars: { NODE_ENV: "production", SESSION_SECRET: FULL_APP_SECRETS.sessionSecret, API_TOKEN: FULL_APP_SECRETS.apiToken },
  });
  await add("build", { app: appId, sourceDir });
  await add("formation", { app: appId, processes: { web: { quantity: 2, size: "standard-1x" }, worker: { quantity: 1, size: "Standard-1X" } } });
  await add("domain", { app: appId, hostname: `${name}.example.com` });
  await add("drain", { app: appId, url: FULL_APP_SECRETS.drainUrl });
  await add("schedulerJob", { app: appId, command: "node jobs/pipeline.js", dynoSize: "standard-1x", every: 60, at: 10 });
  return {
    name,
    resources,
    byKind(kind, index = 0) {
      const found = resources.filter((r) => r.kind === kind)[index];
      if (!found) throw new Error(`no ${kind} #${index}`);
      return found;
    },
  };
}

/** Reads every resource of the app (a `pulumi refresh`); returns what changed. */
export async function refreshFullApp(app: FullApp): Promise<Array<{ kind: string; gone: boolean; changed: string[] }>> {
  const report: Array<{ kind: string; gone: boolean; changed: string[] }> = [];
  for (const tracked of app.resources) {
    const read = await readResource(tracked);
    const changed = Object.keys({ ...tracked.outputs, ...read.props }).filter(
      (key) => JSON.stringify(tracked.outputs[key]) !== JSON.stringify(read.props[key]),
    );
    report.push({ kind: tracked.kind, gone: read.id === "", changed: read.id === "" ? [] : changed });
  }
  return report;
}

/** Deletes every resource, newest first (as `pulumi destroy` orders dependants before what they depend on). */
export async function destroyFullApp(app: FullApp): Promise<void> {
  for (const tracked of [...app.resources].reverse()) await providers[tracked.kind].delete?.(tracked.id, tracked.outputs);
}

/**
 * The double's state of one app without ids and timestamps, to compare two
 * runs: settings, user config vars, add-ons, attachments, builds, formation,
 * domains, drains, scheduler jobs.
 */
export function appSnapshot(double: HerokuDouble, appName: string): Record<string, unknown> {
  const s = double.state;
  const app = s.app(appName);
  if (!app) return { missing: appName };
  return {
    app: { name: app.name, region: app.region, stack: app.buildStack, acm: app.acm, maintenance: app.maintenance, features: Object.fromEntries(app.features) },
    userConfig: s.userConfigVars(appName),
    addonVarNames: Object.keys(s.addonVars(appName)).sort(),
    addons: s.addonsOf(appName).map((a) => `${a.service}:${a.plan}:${a.state}`).sort(),
    attachments: s.attachmentsOf(appName).map((a) => a.name).sort(),
    builds: s.buildsOf(appName).map((b) => `${b.status}:${b.sourceBlob.checksum}`).sort(),
    formation: s.formationOf(appName),
    domains: s.domainsOf(appName).map((d) => d.hostname).sort(),
    drains: s.drainsOf(appName).filter((d) => d.addonId === null).map((d) => d.url).sort(),
    jobs: s.schedulerJobsOf(appName).map((j) => `${j.command}|${j.dynoSize}|${j.every}|${j.at}`).sort(),
  };
}

/** How many objects of each kind the app has on the double (compare a faulty run with a clean one). */
export function objectCounts(double: HerokuDouble, appName: string): Record<string, number> {
  const s = double.state;
  return {
    apps: [...s.apps.values()].filter((a) => a.name === appName).length,
    addons: s.addonsOf(appName).length,
    attachments: s.attachmentsOf(appName).length,
    builds: s.buildsOf(appName).length,
    domains: s.domainsOf(appName).length,
    drains: s.drainsOf(appName).filter((d) => d.addonId === null).length,
    schedulerJobs: s.schedulerJobsOf(appName).length,
  };
}

/** Objects beyond the clean run's, per kind. */
export function duplicates(actual: Record<string, number>, clean: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(actual).map(([kind, n]) => [kind, Math.max(0, n - (clean[kind] ?? 0))]));
}

/** What `measureHerokuProviders` reports. */
export interface HerokuProviderMeasurements {
  /** Heroku API requests (platform + data + scheduler) to create one full app from nothing, checks included. */
  readonly createCalls: number;
  /** Uploads and output-stream reads on the blob host during that create (not Heroku API calls). */
  readonly createBlobCalls: number;
  /** Heroku API requests of a no-op refresh (a read of every resource). */
  readonly refreshCalls: number;
  /** With ~20 % of requests failing (429, 500, 503, reset, slow, committed-then-dropped): */
  readonly faults: {
    readonly injected: number;
    readonly retries: number;
    readonly recoveries: number;
    readonly duplicates: number;
    readonly sameEndState: boolean;
    readonly requests: number;
  };
}

/** The fault mix of the fault test and the benchmark: every kind the double injects. */
export function injectFaultMix(double: HerokuDouble, probability = 0.2): void {
  double.faults.random([429, 500, 503, "drop", "slow", "commit-then-drop"], { probability, delayMs: 250 });
}

/**
 * Creates a full app against a fresh double without faults, then refreshes
 * it, then creates the same app against another double with a 20 % fault
 * mix, and compares. Sets process.env for the duration (restored after).
 */
export async function measureHerokuProviders(options: { seed?: number; probability?: number } = {}): Promise<HerokuProviderMeasurements> {
  const saved = { ...process.env };
  const source = makeAppSource();
  try {
    const clean = await startDouble({ seed: options.seed ?? 7 });
    let createCalls: number;
    let createBlobCalls: number;
    let refreshCalls: number;
    let expected: Record<string, unknown>;
    let cleanCounts: Record<string, number>;
    try {
      const app = await createFullApp("bench-app", source);
      createCalls = apiRequestCount(clean);
      createBlobCalls = clean.requests.length - createCalls;
      clean.clearRequests();
      const refresh = await refreshFullApp(app);
      refreshCalls = apiRequestCount(clean);
      if (refresh.some((r) => r.gone)) throw new Error(`a no-op refresh lost resources: ${JSON.stringify(refresh)}`);
      expected = appSnapshot(clean, "bench-app");
      cleanCounts = objectCounts(clean, "bench-app");
      assertRequestsValid(clean);
    } finally {
      await clean.close();
    }

    // Slow answers must outlast the client's per-request timeout.
    const faulty = await startDouble({ seed: (options.seed ?? 7) + 1 }, { FLEET_HEROKU_REQUEST_TIMEOUT_MS: "120", FLEET_HEROKU_MAX_ATTEMPTS: "25" });
    try {
      injectFaultMix(faulty, options.probability ?? 0.2);
      resetHerokuStats();
      await createFullApp("bench-app", source);
      faulty.faults.clear();
      const stats = { ...herokuStats() };
      const dupes = duplicates(objectCounts(faulty, "bench-app"), cleanCounts);
      const actual = appSnapshot(faulty, "bench-app");
      assertRequestsValid(faulty);
      return {
        createCalls,
        createBlobCalls,
        refreshCalls,
        faults: {
          injected: faulty.faults.fired.length,
          retries: stats.retries,
          recoveries: stats.recoveries,
          duplicates: Object.values(dupes).reduce((a, b) => a + b, 0),
          sameEndState: JSON.stringify(actual) === JSON.stringify(expected),
          requests: faulty.requests.length,
        },
      };
    } finally {
      await faulty.close();
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/**
 * Values the engine cannot carry in a property struct ("Unexpected struct
 * type"): undefined, functions, bigints, non-finite numbers. Returns their
 * paths; an empty list means the outputs are safe to return.
 */
export function structProblems(value: unknown, path = "outputs"): string[] {
  if (value === undefined) return [`${path} is undefined`];
  if (typeof value === "function" || typeof value === "bigint" || typeof value === "symbol") return [`${path} is a ${typeof value}`];
  if (typeof value === "number" && !Number.isFinite(value)) return [`${path} is ${value}`];
  if (Array.isArray(value)) return value.flatMap((item, i) => structProblems(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => structProblems(item, `${path}.${key}`));
  }
  return [];
}

/** Runs a provider's diff with the stored outputs and new (checked) inputs. */
export async function diffResource(tracked: Tracked, rawInputs: Props): Promise<pulumi.dynamic.DiffResult & { inputs: Props }> {
  const provider = providers[tracked.kind];
  const checked = provider.check ? await provider.check(tracked.inputs, rawInputs) : { inputs: rawInputs };
  if (checked.failures && checked.failures.length > 0) {
    throw new Error(`check of ${tracked.kind} failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
  const inputs = (checked.inputs ?? rawInputs) as Props;
  const diff = provider.diff ? await provider.diff(tracked.id, tracked.outputs, inputs) : {};
  return { ...diff, inputs };
}

/** The engine's update: Update with the stored outputs and the new inputs; the tracked state follows. */
export async function updateResource(tracked: Tracked, rawInputs: Props): Promise<Tracked> {
  const { inputs } = await diffResource(tracked, rawInputs);
  const provider = providers[tracked.kind];
  if (!provider.update) throw new Error(`${tracked.kind} has no update`);
  const updated = await provider.update(tracked.id, tracked.outputs, inputs);
  tracked.inputs = inputs;
  tracked.outputs = (updated.outs ?? {}) as Props;
  return tracked;
}

/** Runs check only and returns its failures. */
export async function checkFailures(kind: keyof typeof providers, rawInputs: Props, olds: Props = {}): Promise<Array<{ property: string; reason: string }>> {
  const provider = providers[kind];
  const checked = provider.check ? await provider.check(olds, rawInputs) : {};
  return [...(checked.failures ?? [])];
}
