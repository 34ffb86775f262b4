/**
 * Building blocks of every app's `src/env.ts`: variables arrive as strings,
 * a blank one means "not set", and a bad environment is one error naming
 * every variable and its problem — never a value. Imports nothing but zod,
 * because fleet reads each app's env schema to learn what the app needs.
 */
import { z } from "zod";

export const isBlank = (value: unknown): boolean => value === undefined || (typeof value === "string" && value.trim() === "");

/** One environment variable: blank counts as unset, so `.optional()` and `.default()` apply to it. */
export const variable = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (isBlank(value) ? undefined : value), schema);

export const text = () => z.string().min(1, "must not be empty");

export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const decimal = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, "must be a number such as 0.25")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

function hasProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A URL with one of the given protocols (`"postgres:"`, `"https:"`…). */
export const url = (...protocols: string[]) =>
  z
    .string()
    .refine((value) => hasProtocol(value, protocols), `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

/** An http(s) base URL, without its trailing slash. */
export const baseUrl = () => url("https:", "http:").transform((value) => value.replace(/\/+$/, ""));

/** Comma-separated keys, newest first: the first signs or encrypts, every one still verifies or decrypts. */
export const keyList = (pattern: RegExp, shape: string) =>
  z
    .string()
    .transform((value) => value.split(",").map((key) => key.trim()))
    .pipe(z.array(z.string().regex(pattern, `must be ${shape}`)).min(1));

/** Cross-variable checks run even when single variables failed, so one boot reports every problem. */
export const everyProblemAtOnce = { when: () => true };

/** One bad variable: its name and what is wrong with it, never its value. */
export interface EnvProblem {
  readonly variable: string;
  readonly problem: string;
}

/** The environment cannot run the app: every bad variable at once. */
export class EnvError extends Error {
  readonly app: string;
  readonly problems: readonly EnvProblem[];

  constructor(app: string, problems: readonly EnvProblem[]) {
    const list = problems.map(({ variable, problem }) => `  - ${variable}: ${problem}`).join("\n");
    super(`${app}: invalid environment (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${list}`);
    this.name = "EnvError";
    this.app = app;
    this.problems = problems;
  }
}

/**
 * Parses the environment once at boot. Throws one EnvError that names every
 * missing or invalid variable and the problem — never a value.
 */
export function parseEnv<S extends z.ZodType>(app: string, schema: S, raw: Record<string, string | undefined>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = new Map<string, EnvProblem>();
  for (const issue of parsed.error.issues) {
    const [name, ...within] = issue.path;
    const variable = String(name ?? "environment");
    const unset = isBlank(raw[variable]);
    const where = within.length > 0 ? `entry ${Number(within[0]) + 1}: ` : "";
    const problem = unset && issue.code !== "custom" ? "is not set" : `${where}${issue.message}`;
    const key = `${variable}\u0000${problem}`;
    if (!problems.has(key)) problems.set(key, { variable, problem });
  }
  throw new EnvError(app, [...problems.values()]);
}

/** Set by Heroku on every dyno (`DYNO`; `NODE_ENV` by the Node.js buildpack) and by its runtime-dyno-metadata feature. */
export const herokuVars = {
  NODE_ENV: variable(z.enum(["development", "test", "production"]).default("production")),
  DYNO: variable(text().optional()),
  HEROKU_APP_NAME: variable(text().optional()),
  HEROKU_RELEASE_VERSION: variable(text().optional()),
  HEROKU_SLUG_COMMIT: variable(text().optional()),
};

export const logLevel = variable(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"));

/** The stack fleet deployed the app into; `development` only on a developer's machine. */
export const appEnv = variable(z.enum(["development", "staging", "production"]));

/** Set by fleet for an app with Postgres: the add-on's URL, the app's own schema and its pool size from the connection budget. */
export const postgresVars = {
  DATABASE_URL: variable(url("postgres:", "postgresql:")),
  /** Every table of the app, and its migrations table, live here, reached through search_path. */
  DATABASE_SCHEMA: variable(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase Postgres identifier")),
  PG_POOL_MAX: variable(integer(1, 100)),
};

/** Set by fleet for an app with Redis: the add-on's URL and the prefix every key of the app starts with. */
export const redisVars = {
  REDIS_URL: variable(url("redis:", "rediss:")),
  REDIS_KEY_PREFIX: variable(z.string().regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*:$/, 'must be a key prefix ending with ":"')),
};

/**
 * Set by fleet for an app with admin paths behind Cloudflare Access. The app
 * checks the `Cf-Access-Jwt-Assertion` header itself, because the
 * herokuapp.com host bypasses Cloudflare; with both unset, admin paths answer 403.
 */
export const accessVars = {
  CF_ACCESS_TEAM_DOMAIN: variable(url("https:").optional()),
  CF_ACCESS_AUD: variable(text().optional()),
};

/** The two Access variables come together or not at all (use in `.superRefine(…, everyProblemAtOnce)`). */
export function checkAccessPair(env: { CF_ACCESS_TEAM_DOMAIN?: string | undefined; CF_ACCESS_AUD?: string | undefined }, context: z.RefinementCtx): void {
  if (Boolean(env.CF_ACCESS_TEAM_DOMAIN) !== Boolean(env.CF_ACCESS_AUD)) {
    const missing = env.CF_ACCESS_AUD ? "CF_ACCESS_TEAM_DOMAIN" : "CF_ACCESS_AUD";
    context.addIssue({ code: "custom", path: [missing], message: "is not set, but its Cloudflare Access partner is: set both or neither" });
  }
}
