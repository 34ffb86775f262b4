/**
 * Every `apps/<name>/deploy.ts` is a coherent fleet spec: its processes, health
 * path, schema and schedule make sense on Heroku, every variable its env schema
 * reads has exactly one source (or may stay unset), and its `src/env.ts`
 * accepts `.env.example` and reports problems by name, never by value.
 *
 * The accounting here is deliberately spec-level and minimal: it asks which
 * sources the spec *declares* for a variable. What the program supplies in a
 * given stack (provided secrets present, rotations, overrides) is
 * stacks/env-vars.ts's job.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppContext, AppSpec, ScheduledJobSpec } from "../../stacks/app-spec";

const APPS_DIR = resolve(__dirname, "../../apps");

/** Folders under apps/ that hold a fleet spec (others are shared code or not written yet). */
const appNames = readdirSync(APPS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(APPS_DIR, entry.name, "deploy.ts")))
  .map((entry) => entry.name)
  .sort();

// ---------------------------------------------------------------------------
// Pure accounting of where each variable comes from

type Source = "heroku" | "dyno-metadata" | "addon" | "fleet" | "setting" | "generated" | "provided" | "config";

/** Set by the runtime-dyno-metadata feature fleet enables. */
const DYNO_METADATA_VARS = new Set([
  "HEROKU_APP_ID",
  "HEROKU_APP_NAME",
  "HEROKU_DYNO_ID",
  "HEROKU_RELEASE_CREATED_AT",
  "HEROKU_RELEASE_VERSION",
  "HEROKU_SLUG_COMMIT",
  "HEROKU_SLUG_DESCRIPTION",
]);

/** Names Heroku, its add-ons or fleet itself own: a spec never declares them. */
const RESERVED_VARS = new Set([
  "PORT",
  "DYNO",
  "NODE_ENV",
  "DATABASE_URL",
  "REDIS_URL",
  "REDIS_TLS_URL",
  "APP_ENV",
  "DATABASE_SCHEMA",
  "PG_POOL_MAX",
  "REDIS_KEY_PREFIX",
  "CF_ACCESS_AUD",
  "CF_ACCESS_TEAM_DOMAIN",
  ...DYNO_METADATA_VARS,
]);

const PREVIOUS_SUFFIX = "_PREVIOUS";

/** Every source the spec declares for `name`; a coherent spec has at most one. */
export function sourcesOf(spec: AppSpec, name: string): Source[] {
  const sources: Source[] = [];
  const hasWeb = Object.values(spec.processes).some((process) => process.kind === "web");
  if (name === "DYNO" || name === "NODE_ENV" || (name === "PORT" && hasWeb)) sources.push("heroku");
  if (DYNO_METADATA_VARS.has(name)) sources.push("dyno-metadata");
  // DATABASE_URL comes from the Heroku add-on or, when the stack says so, its external database.
  if (name === "DATABASE_URL" && spec.database) sources.push("addon");
  if ((name === "REDIS_URL" || name === "REDIS_TLS_URL") && spec.redis) sources.push("addon");
  const fleetSet =
    name === "APP_ENV" ||
    (spec.database !== undefined && (name === "DATABASE_SCHEMA" || name === "PG_POOL_MAX")) ||
    (spec.redis !== undefined && name === "REDIS_KEY_PREFIX") ||
    ((spec.adminPaths?.length ?? 0) > 0 && (name === "CF_ACCESS_AUD" || name === "CF_ACCESS_TEAM_DOMAIN"));
  if (fleetSet) sources.push("fleet");
  // A setting of the app's own (`fleet:apps.<app>.<key>`) sets it.
  if (Object.values(spec.settings ?? {}).some((setting) => setting.variables.includes(name))) sources.push("setting");
  if (spec.generatedSecrets?.[name]) sources.push("generated");
  if (name.endsWith(PREVIOUS_SUFFIX)) {
    const base = spec.generatedSecrets?.[name.slice(0, -PREVIOUS_SUFFIX.length)];
    if (base?.keepPrevious === "previous-var") sources.push("generated");
  }
  if (spec.providedSecrets?.[name]) sources.push("provided");
  if (spec.config?.[name] !== undefined) sources.push("config");
  return sources;
}

function mayBeUnset(spec: AppSpec, name: string): boolean {
  return spec.env.shape[name]?.safeParse(undefined).success ?? false;
}

/** Problems of the spec's variable accounting, as `NAME: what is wrong`. */
export function accountingProblems(spec: AppSpec): string[] {
  const problems: string[] = [];
  const reads = new Set(Object.keys(spec.env.shape));

  for (const name of reads) {
    const sources = sourcesOf(spec, name);
    if (sources.length > 1) problems.push(`${name}: supplied by ${sources.join(" and ")}`);
    if (sources.length === 0 && !mayBeUnset(spec, name)) problems.push(`${name}: required, but no source supplies it`);
    if (DYNO_METADATA_VARS.has(name) && !mayBeUnset(spec, name)) problems.push(`${name}: must be optional (set only once runtime-dyno-metadata is on)`);
    if (name.endsWith(PREVIOUS_SUFFIX)) {
      const base = name.slice(0, -PREVIOUS_SUFFIX.length);
      if (spec.generatedSecrets?.[base]?.keepPrevious !== "previous-var") {
        problems.push(`${name}: no generated secret ${base} with keepPrevious "previous-var"`);
      }
      if (!mayBeUnset(spec, name)) problems.push(`${name}: must be optional (there is no previous value before the first rotation)`);
    }
  }

  const declared = [
    ...Object.keys(spec.generatedSecrets ?? {}).map((name) => ["generatedSecrets", name] as const),
    ...Object.keys(spec.providedSecrets ?? {}).map((name) => ["providedSecrets", name] as const),
    ...Object.keys(spec.config ?? {}).map((name) => ["config", name] as const),
    ...Object.entries(spec.settings ?? {}).flatMap(([key, setting]) => setting.variables.map((name) => [`settings.${key}`, name] as const)),
  ];
  for (const [where, name] of declared) {
    if (!reads.has(name)) problems.push(`${where}.${name}: the env schema does not read it`);
    if (RESERVED_VARS.has(name) || name.startsWith("HEROKU_")) problems.push(`${where}.${name}: owned by Heroku or fleet, never declared`);
  }
  for (const [name, secret] of Object.entries(spec.generatedSecrets ?? {})) {
    if (secret.keepPrevious === "previous-var" && !reads.has(`${name}${PREVIOUS_SUFFIX}`)) {
      problems.push(`${name}: keeps its previous generation in ${name}${PREVIOUS_SUFFIX}, which the env schema does not read`);
    }
  }
  return problems;
}

/** Minutes Heroku Scheduler accepts for `at`, by frequency. */
export function validAt(job: ScheduledJobSpec): boolean {
  const at = job.at ?? 0;
  if (!Number.isInteger(at)) return false;
  switch (job.every) {
    case "10m":
      return at === 0;
    case "hour":
      return at >= 0 && at <= 50 && at % 10 === 0;
    case "day":
      return at >= 0 && at <= 1410 && at % 30 === 0;
  }
}

// ---------------------------------------------------------------------------
// Loading

interface EnvModule {
  readonly loadEnv?: (raw: Record<string, string | undefined>) => unknown;
}

/** `KEY=value` lines as `heroku local` reads them; blank lines and `#` comments skipped. */
function parseDotenv(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
    if (!match) throw new Error(`not a KEY=value line: ${trimmed.split("=")[0]}`);
    const [, key, rawValue] = match as unknown as [string, string, string];
    if (entries.has(key)) throw new Error(`${key} appears twice`);
    entries.set(key, rawValue.replace(/^(["'])(.*)\1$/, "$2"));
  }
  return entries;
}

const specs = new Map<string, AppSpec>();

beforeAll(async () => {
  for (const name of appNames) {
    const module = (await import(join(APPS_DIR, name, "deploy.ts"))) as { default?: AppSpec };
    if (module.default) specs.set(name, module.default);
  }
});

const snakeCase = (name: string) => name.replace(/-/g, "_");

/** The two shapes a stack gives: custom domains in a zone, and bare herokuapp.com URLs. */
function contextsFor(name: string): AppContext[] {
  const withDomain = (app: string) => {
    const prefix = specs.get(app)?.domainPrefix;
    return prefix === undefined ? `https://fleet-${app}-0123456789ab.herokuapp.com` : `https://${prefix}.example.com`;
  };
  const bare = (app: string) => `https://fleet-stg-${app}-0123456789ab.herokuapp.com`;
  const known = (urlOf: (app: string) => string) => (app: string) => {
    if (!specs.has(app)) throw new Error(`publicUrlOf("${app}"): no such app in the fleet`);
    return urlOf(app);
  };
  const prefix = specs.get(name)?.domainPrefix;
  return [
    {
      stack: "production",
      publicUrl: withDomain(name),
      publicUrlOf: known(withDomain),
      hostname: prefix === undefined ? undefined : `${prefix}.example.com`,
      zone: "example.com",
      accessAudience: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    },
    { stack: "staging", publicUrl: bare(name), publicUrlOf: known(bare), hostname: undefined, zone: undefined, accessAudience: undefined },
  ];
}

function configValues(spec: AppSpec, context: AppContext): Record<string, string> {
  return Object.fromEntries(
    Object.entries(spec.config ?? {}).map(([key, value]) => [key, typeof value === "function" ? value(context) : value]),
  );
}

/** Whole-word match, so `JWT_SECRET` is not found inside `JWT_SECRET_PREVIOUS`. */
const mentions = (message: string, name: string) => new RegExp(`(?<![A-Z0-9_])${name}(?![A-Z0-9_])`).test(message);

const SENTINEL = "Zq7-sentinel-value";

function errorMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error("expected loadEnv to throw");
}

// ---------------------------------------------------------------------------

describe("pure accounting", () => {
  const fake = (overrides: Partial<AppSpec>, shape: Record<string, boolean>): AppSpec => ({
    name: "x",
    description: "x",
    processes: { web: { kind: "web", command: "node dist/server.js" } },
    env: {
      shape: Object.fromEntries(
        Object.entries(shape).map(([key, optional]) => [key, { safeParse: (value: unknown) => ({ success: optional || value !== undefined }) }]),
      ),
    },
    ...overrides,
  });

  it("accepts one source per variable and unsupplied optional ones", () => {
    const spec = fake(
      {
        database: { schema: "x" },
        generatedSecrets: { KEY: { kind: "hex", keepPrevious: "previous-var", description: "k" } },
        config: { SITE_URL: "https://x" },
      },
      { PORT: false, DATABASE_URL: false, PG_POOL_MAX: false, KEY: false, KEY_PREVIOUS: true, SITE_URL: false, EXTRA: true },
    );
    expect(accountingProblems(spec)).toEqual([]);
  });

  it("reports double sources, missing sources, unread declarations and unpaired _PREVIOUS", () => {
    const spec = fake(
      { config: { DATABASE_URL: "postgres://x", UNREAD: "1" }, providedSecrets: { SITE_URL: { description: "s" } } },
      { REDIS_URL: false, SITE_URL: false, OTHER_PREVIOUS: true, DATABASE_URL: false },
    );
    const problems = accountingProblems(spec);
    expect(problems).toContain("REDIS_URL: required, but no source supplies it");
    expect(problems).toContain('OTHER_PREVIOUS: no generated secret OTHER with keepPrevious "previous-var"');
    expect(problems).toContain("config.UNREAD: the env schema does not read it");
    expect(problems).toContain("config.DATABASE_URL: owned by Heroku or fleet, never declared");
  });

  it("knows Heroku Scheduler's minutes", () => {
    expect(validAt({ name: "a", command: "c", every: "hour", at: 30 })).toBe(true);
    expect(validAt({ name: "a", command: "c", every: "hour", at: 15 })).toBe(false);
    expect(validAt({ name: "a", command: "c", every: "day", at: 330 })).toBe(true);
    expect(validAt({ name: "a", command: "c", every: "day", at: 1440 })).toBe(false);
    expect(validAt({ name: "a", command: "c", every: "10m", at: 10 })).toBe(false);
  });
});

describe.each(appNames)("apps/%s", (folder) => {
  const spec = (): AppSpec => {
    const loaded = specs.get(folder);
    if (!loaded) throw new Error(`apps/${folder}/deploy.ts has no default export`);
    return loaded;
  };
  const processKinds = () => Object.values(spec().processes).map((process) => process.kind);
  const required = () => Object.keys(spec().env.shape).filter((name) => !mayBeUnset(spec(), name));

  describe("deploy.ts", () => {
    it("is named after its folder and described in one line", () => {
      expect(spec().name).toBe(folder);
      expect(spec().description.trim()).not.toBe("");
      expect(spec().description).not.toContain("\n");
    });

    it("declares Procfile processes Heroku can run", () => {
      const entries = Object.entries(spec().processes);
      expect(entries.some(([, process]) => process.kind !== "release")).toBe(true);
      for (const [type, process] of entries) {
        expect(["web", "worker", "release"], type).toContain(process.kind);
        expect(type, "Procfile process types are lowercase words").toMatch(/^[a-z][a-z0-9_-]*$/);
        expect(process.command.trim(), type).not.toBe("");
        // Heroku routes HTTP only to the type named `web` and runs only `release` in the release phase.
        if (process.kind === "web" || type === "web") expect([type, process.kind]).toEqual(["web", "web"]);
        if (process.kind === "release" || type === "release") expect([type, process.kind]).toEqual(["release", "release"]);
      }
    });

    it("has a health path, domain and admin paths only when it serves HTTP", () => {
      const { healthPath, domainPrefix, adminPaths } = spec();
      if (processKinds().includes("web")) {
        expect(healthPath).toMatch(/^\/\S*$/);
      } else {
        expect(healthPath).toBeUndefined();
        expect(domainPrefix).toBeUndefined();
        expect(adminPaths ?? []).toEqual([]);
      }
      if (domainPrefix !== undefined) expect(domainPrefix).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
      for (const path of adminPaths ?? []) expect(path).toMatch(/^\/[^\s*?#]*$/);
    });

    it("keeps its data in its own schema and Redis prefix", () => {
      const { database, redis } = spec();
      if (database) {
        expect(database.schema).toBe(snakeCase(folder));
        expect(database.schema).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
        expect(database.schema).not.toMatch(/^(public|pg_.*|information_schema)$/);
        const pool = database.poolPerDyno ?? 5;
        expect(Number.isInteger(pool) && pool >= 1 && pool <= 20, `poolPerDyno ${pool}`).toBe(true);
      }
      if (redis) {
        expect(redis.keyPrefix).toMatch(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*:$/);
        expect(["cache", "queue", "cache-and-queue"]).toContain(redis.use);
      }
    });

    it("schedules jobs at minutes Heroku Scheduler accepts", () => {
      const jobs = spec().scheduledJobs ?? [];
      expect(new Set(jobs.map((job) => job.name)).size).toBe(jobs.length);
      for (const job of jobs) {
        expect(job.name).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(job.command.trim()).not.toBe("");
        expect(validAt(job), `${job.name}: at ${job.at ?? 0} with every ${job.every}`).toBe(true);
      }
    });

    it("generates secrets of a useful size", () => {
      for (const [name, secret] of Object.entries(spec().generatedSecrets ?? {})) {
        if (secret.kind !== "fernet") {
          const bytes = secret.bytes ?? 32;
          expect(Number.isInteger(bytes) && bytes >= 16, `${name}: ${bytes} bytes`).toBe(true);
        }
        expect(secret.description.trim(), name).not.toBe("");
      }
      for (const [name, secret] of Object.entries(spec().providedSecrets ?? {})) expect(secret.description.trim(), name).not.toBe("");
    });

    it("accounts for every variable exactly once", () => {
      for (const name of Object.keys(spec().env.shape)) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(accountingProblems(spec())).toEqual([]);
    });

    it("derives config from the stack as strings, naming only apps of the fleet", () => {
      for (const context of contextsFor(folder)) {
        for (const [key, value] of Object.entries(configValues(spec(), context))) {
          expect(typeof value, key).toBe("string");
        }
      }
    });
  });

  describe("src/env.ts and .env.example", () => {
    const examplePath = join(APPS_DIR, folder, ".env.example");
    const hasExample = existsSync(examplePath);
    /** Tests that need .env.example run once it exists; its absence is one failure below, not six. */
    const withExample = it.runIf(hasExample);
    let exported: EnvModule["loadEnv"];
    let example = new Map<string, string>();

    beforeAll(async () => {
      exported = ((await import(join(APPS_DIR, folder, "src", "env.ts"))) as EnvModule).loadEnv;
      if (hasExample) example = parseDotenv(readFileSync(examplePath, "utf8"));
    });

    const loadEnv = (raw: Record<string, string | undefined>): unknown => {
      if (typeof exported !== "function") throw new Error(`apps/${folder}/src/env.ts exports no loadEnv`);
      return exported(raw);
    };
    const exampleEnv = () => Object.fromEntries(example);

    it("exports loadEnv", () => {
      expect(typeof exported).toBe("function");
    });

    it("has a .env.example", () => {
      expect(hasExample, `apps/${folder}/.env.example (every variable with a safe local value)`).toBe(true);
    });

    withExample(".env.example lists exactly the variables the schema reads", () => {
      expect([...example.keys()].sort()).toEqual(Object.keys(spec().env.shape).sort());
    });

    withExample("accepts .env.example", () => {
      expect(() => loadEnv(exampleEnv())).not.toThrow();
    });

    withExample("accepts what fleet derives for each stack shape", () => {
      for (const context of contextsFor(folder)) {
        const env = { ...exampleEnv(), ...configValues(spec(), context), APP_ENV: context.stack, NODE_ENV: "production" };
        expect(() => loadEnv(env), context.stack).not.toThrow();
      }
    });

    it("names every required variable when nothing is set", () => {
      const message = errorMessage(() => loadEnv({}));
      for (const name of required()) expect(mentions(message, name), `${name} in:\n${message}`).toBe(true);
    });

    withExample("treats blank values as unset", () => {
      const blank = Object.fromEntries([...example.keys()].map((key) => [key, ""]));
      const message = errorMessage(() => loadEnv(blank));
      for (const name of required()) expect(mentions(message, name), name).toBe(true);
      const optionalNames = Object.keys(spec().env.shape).filter((name) => mayBeUnset(spec(), name));
      const optionalBlank = { ...exampleEnv(), ...Object.fromEntries(optionalNames.map((name) => [name, " "])) };
      expect(() => loadEnv(optionalBlank)).not.toThrow();
    });

    it("never echoes a value", () => {
      const garbage = Object.fromEntries(Object.keys(spec().env.shape).map((key) => [key, `${SENTINEL}-${key}`]));
      expect(errorMessage(() => loadEnv(garbage))).not.toContain(SENTINEL);
    });

    withExample("never echoes a secret beside broken values", () => {
      const reads = new Set(Object.keys(spec().env.shape));
      const secrets = new Set([...Object.keys(spec().providedSecrets ?? {}), ...Object.keys(spec().generatedSecrets ?? {})]);
      const broken: Record<string, string> = { ...exampleEnv() };
      for (const key of reads) if (!secrets.has(key)) broken[key] = `${SENTINEL}-${key}`;
      if (reads.has("DATABASE_URL")) broken.DATABASE_URL = `mysql://user:${SENTINEL}@db.internal/app`;
      if (reads.has("REDIS_URL")) broken.REDIS_URL = `memcached://user:${SENTINEL}@cache.internal`;
      const message = errorMessage(() => loadEnv(broken));
      expect(message).not.toContain(SENTINEL);
      for (const name of secrets) {
        const value = example.get(name);
        if (value !== undefined && value.length >= 8) expect(message, name).not.toContain(value);
      }
    });
  });
});
