import { defineApp } from "../../stacks/app-spec.js";
import { envSchema, THREADS_CALLBACK_PATH } from "./src/env.js";

/**
 * The stack's zone (`example.com`), which the API shares with the front end
 * on `app.example.com`, so the refresh cookie reaches both. Without a custom
 * hostname (herokuapp.com is a public suffix) cookies stay host-only.
 */
function sharedCookieDomain(hostname: string | undefined, zone: string | undefined): string {
  return hostname !== undefined && zone !== undefined ? zone : "";
}

const signingKey = (description: string) =>
  ({ kind: "hex", bytes: 32, keepPrevious: "previous-var", description }) as const;

export default defineApp({
  name: "threads-api",
  description: "API of the Threads analytics product: Threads sign-in, scoring, Prometheus metrics",
  processes: {
    web: { kind: "web", command: "node dist/server.js" },
    release: { kind: "release", command: "node dist/migrate.js" },
  },
  env: envSchema,
  healthPath: "/health",
  scheduledJobs: [
    // Queues every user due for ingestion and drains the Redis queue; with nobody due it exits at once.
    { name: "ingest", command: "node dist/jobs/ingest.js", every: "10m" },
    // Deletes posts and replies older than RETENTION_DAYS, at a quiet hour.
    { name: "retention", command: "node dist/jobs/retention.js", every: "day", at: 210 },
  ],
  providedSecrets: {
    THREADS_CLIENT_ID: {
      description: "Threads app ID (developers.facebook.com → the app → Use cases → Threads API → Settings)",
    },
    THREADS_CLIENT_SECRET: {
      description: `Threads app secret, same page; the app must list <public URL>${THREADS_CALLBACK_PATH} as a redirect callback URL`,
    },
    OPENAI_API_KEY: {
      description: "OpenAI API key used to score posts and replies (platform.openai.com → API keys)",
    },
  },
  generatedSecrets: {
    JWT_ACCESS_SECRET: signingKey("Signs access tokens (HS256); the previous generation still verifies after a rotation"),
    JWT_REFRESH_SECRET: signingKey("Signs refresh tokens (HS256); the previous generation still verifies after a rotation"),
    TOKEN_ENCRYPTION_KEYS: {
      kind: "base64",
      bytes: 32,
      keepPrevious: "key-list",
      description: "Encrypts users' Threads access tokens at rest (AES-256-GCM); older keys still decrypt",
    },
  },
  config: {
    CORS_ALLOWED_ORIGINS: (c) => c.publicUrlOf("threads-web"),
    SESSION_COOKIE_DOMAIN: (c) => sharedCookieDomain(c.hostname, c.zone),
    WEB_APP_URL: (c) => c.publicUrlOf("threads-web"),
    // Must match a redirect URI registered with the Threads app.
    THREADS_REDIRECT_URI: (c) => `${c.publicUrl}${THREADS_CALLBACK_PATH}`,
  },
  database: { schema: "threads_api", poolPerDyno: 5 },
  // The queue must never lose a job: fleet keeps `noeviction`, so cache entries need TTLs.
  redis: { keyPrefix: "threads-api:", use: "cache-and-queue" },
  domainPrefix: "api",
  // /admin/metrics, /admin/audit and the audited admin actions under /admin/users.
  adminPaths: ["/admin"],
});
