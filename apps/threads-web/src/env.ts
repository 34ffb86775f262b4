/**
 * Everything threads-web reads from its environment. The Next.js server
 * parses it once at start (instrumentation) with `loadEnv(process.env)`.
 *
 * `NEXT_PUBLIC_*` values are inlined into the browser bundle by `next build`,
 * so a change to them needs a new build, not only a restart.
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

/** An absolute http(s) base URL; a trailing slash is dropped so callers can append paths. */
const baseUrl = () =>
  z
    .string()
    .refine((value) => hasProtocol(value, ["https:", "http:"]), "must be a URL starting with https:// or http://")
    .transform((value) => value.replace(/\/+$/, ""));

export const envSchema = z.object({
  // Heroku
  NODE_ENV: variable(z.enum(["development", "test", "production"]).default("production")),
  /** Passed to `next start -p $PORT`; Heroku sets it for web dynos. */
  PORT: variable(integer(1, 65535).default(3000)),
  DYNO: variable(text().optional()),
  HEROKU_APP_NAME: variable(text().optional()),
  /** Reported by /health with the commit, so a deploy can be checked from outside. */
  HEROKU_RELEASE_VERSION: variable(text().optional()),
  HEROKU_SLUG_COMMIT: variable(text().optional()),

  // fleet
  /** The stack; anything but `production` answers `X-Robots-Tag: noindex`. */
  APP_ENV: variable(z.enum(["development", "staging", "production"])),

  /** Absolute base URL of this site: canonical links, Open Graph, sitemap. */
  SITE_URL: variable(baseUrl()),
  /** Origin of threads-api; the browser calls `<it>/api/v1/…`, and the CSP's connect-src allows it. */
  NEXT_PUBLIC_API_BASE_URL: variable(baseUrl()),
  /** Read by Next.js itself; fleet sets "1" so no run or build phones home. */
  NEXT_TELEMETRY_DISABLED: variable(z.enum(["0", "1"]).optional()),
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
  throw new Error(`threads-web: invalid environment (${problems.size} problem${problems.size === 1 ? "" : "s"}):\n${list}`);
}
