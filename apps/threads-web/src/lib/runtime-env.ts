/**
 * The environment as the pages, route handlers and proxy see it: parsed once
 * per bundle on first use (dist/server.js validated it at boot already, so
 * this cannot fail in a running dyno), read at run time, never inlined.
 */
import { loadEnv, type Env } from "../env.js";
import type { ApiTarget } from "./api/client.js";
import { withReturnTo } from "./return-to.js";

let cached: Env | undefined;

export function runtimeEnv(): Env {
  cached ??= loadEnv(process.env);
  return cached;
}

/** Where server-side calls go, and the Origin they carry. */
export function apiTarget(env: Env = runtimeEnv()): ApiTarget {
  return { baseUrl: env.NEXT_PUBLIC_API_BASE_URL, siteOrigin: new URL(env.SITE_URL).origin };
}

/**
 * The API's sign-in route, which sends the browser on to Threads. Behind the
 * same-site proxy it stays on this site, so the session cookies land here.
 */
export function threadsLoginUrl(returnTo: string, env: Env = runtimeEnv()): string {
  const base = env.API_SAME_SITE_PROXY ? "" : env.NEXT_PUBLIC_API_BASE_URL;
  return `${base}${withReturnTo("/api/v1/auth/threads/login", returnTo)}`;
}
