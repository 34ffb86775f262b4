/**
 * Everything threads-web reads from its environment. `dist/server.js` parses
 * it once at boot, before Next.js loads, and exits 1 naming every bad
 * variable; under `next dev` the instrumentation hook does the same.
 *
 * Pages read every value at run time on the server, so a restart picks up a
 * change. `NEXT_PUBLIC_API_BASE_URL` keeps its public prefix (and fleet still
 * rebuilds when it changes) because it is safe to compile into browser code.
 */
import { z } from "zod";
import { appEnv, baseUrl, herokuVars, integer, logLevel, parseEnv, variable } from "./shared/env.js";

export const envSchema = z.object({
  // Heroku
  ...herokuVars,
  /** dist/server.js listens on it (0.0.0.0); Heroku sets it for web dynos. */
  PORT: variable(integer(1, 65535).default(3000)),
  LOG_LEVEL: logLevel,

  // fleet
  /** The stack; anything but `production` answers `X-Robots-Tag: noindex`. */
  APP_ENV: appEnv,

  /** Absolute base URL of this site: canonical links, Open Graph, sitemap. */
  SITE_URL: variable(baseUrl()),
  /** Origin of threads-api: pages call `<it>/api/v1/…` on the server, sign-in links lead there, and the CSP's connect-src allows it. */
  NEXT_PUBLIC_API_BASE_URL: variable(baseUrl()),
  /**
   * `true` serves `/api/*` of this site from threads-api (same-site proxying), so
   * the session cookies can live on this host when the two apps share no parent
   * domain (herokuapp.com); sign-in links then stay on this site.
   */
  API_SAME_SITE_PROXY: variable(z.enum(["true", "false"], "must be true or false").default("false")).transform((value) => value === "true"),
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
