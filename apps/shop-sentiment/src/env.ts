/**
 * Everything shop-sentiment reads from its environment: the web API and the
 * release-phase migration parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";

// Heroku and `heroku local` hand every value over as a string, and a blank
// one means "not set": each variable goes through `variable()`, which drops it.
const isBlank = (value: unknown) => value === undefined || (typeof value === "string" && value.trim() === "");
const variable = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (isBlank(value) ? undefined : value), schema);

const text = () => z.string().min(1, "must not be empty");

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

function hasProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const url = (...protocols: string[]) =>
  z
    .string()
    .refine((value) => hasProtocol(value, protocols), `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

/** Comma-separated keys, newest first: the first signs, every one still verifies. */
const keyList = (pattern: RegExp, shape: string) =>
  z
    .string()
    .transform((value) => value.split(",").map((key) => key.trim()))
    .pipe(z.array(z.string().regex(pattern, `must be ${shape}`)).min(1));

export const envSchema = z.object({
  // Heroku
  NODE_ENV: variable(z.enum(["development", "test", "production"]).default("production")),
  /** Heroku sets it for web dynos; the release dyno never listens. */
  PORT: variable(integer(1, 65535).default(3000)),
  DYNO: variable(text().optional()),
  HEROKU_APP_NAME: variable(text().optional()),
  HEROKU_RELEASE_VERSION: variable(text().optional()),
  HEROKU_SLUG_COMMIT: variable(text().optional()),
  LOG_LEVEL: variable(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),

  // fleet
  /** The stack; `development` only on a developer's machine. */
  APP_ENV: variable(z.enum(["development", "staging", "production"])),
  DATABASE_URL: variable(url("postgres:", "postgresql:")),
  /** Every table (products, reviews) and the migrations table live here, reached through search_path. */
  DATABASE_SCHEMA: variable(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase Postgres identifier")),
  PG_POOL_MAX: variable(integer(1, 100)),
  REDIS_URL: variable(url("redis:", "rediss:")),
  /** Every cache key starts with it (ends with ":"). */
  REDIS_KEY_PREFIX: variable(z.string().regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*:$/, 'must be a key prefix ending with ":"')),

  /**
   * Session-cookie keys (32 bytes as hex each), newest first: the CSRF secret
   * every POST is checked against lives in that encrypted session.
   */
  SESSION_KEYS: variable(keyList(/^[0-9a-f]{64}$/, "64 hexadecimal characters (32 bytes)")),

  /** How long a product's reviews and scores stay cached; every write invalidates them at once. */
  CACHE_TTL_SECONDS: variable(integer(1, 86_400).default(300)),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = new Set<string>();
  for (const issue of parsed.error.issues) {
    const [name, ...within] = issue.path;
    const key = String(name ?? "environment");
    const unset = isBlank(raw[key]);
    const where = within.length > 0 ? `entry ${Number(within[0]) + 1}: ` : "";
    problems.add(`${key}: ${unset && issue.code !== "custom" ? "is not set" : `${where}${issue.message}`}`);
  }
  return failWith(problems);
}

function failWith(problems: ReadonlySet<string>): never {
  const list = [...problems].map((problem) => `  - ${problem}`).join("\n");
  throw new Error(`shop-sentiment: invalid environment (${problems.size} problem${problems.size === 1 ? "" : "s"}):\n${list}`);
}
