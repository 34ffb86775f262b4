/**
 * Everything threads-web reads from its environment. The Next.js server
 * parses it once at start (instrumentation) with `loadEnv(process.env)`.
 *
 * `NEXT_PUBLIC_*` values are inlined into the browser bundle by `next build`,
 * so a change to them needs a new build, not only a restart.
 */
import { z } from "zod";
import { appEnv, baseUrl, herokuVars, integer, parseEnv, variable } from "./shared/env.js";

export const envSchema = z.object({
  // Heroku
  ...herokuVars,
  /** Passed to `next start -p $PORT`; Heroku sets it for web dynos. */
  PORT: variable(integer(1, 65535).default(3000)),
  /** Reported by /health with the commit, so a deploy can be checked from outside. */

  // fleet
  /** The stack; anything but `production` answers `X-Robots-Tag: noindex`. */
  APP_ENV: appEnv,

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
  return parseEnv("threads-web", envSchema, raw);
}
