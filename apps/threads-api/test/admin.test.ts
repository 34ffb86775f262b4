/**
 * /admin behind Cloudflare Access, checked by the app itself: metrics in the
 * Prometheus text format (parsed here), the audited admin actions, and
 * account deletion leaving no row of the user behind.
 */
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet, type CryptoKey } from "jose";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import pg from "pg";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestRun } from "../src/ingestion/compose.js";
import { FakeModeration } from "./support/fake-moderation.js";
import { API_ORIGIN, Browser, SCHEMA, signIn, silentLogger, startApp, startSuite, testEnv, WEB_ORIGIN, type RunningApp, type Suite } from "./support/harness.js";
import { REDIS_URL } from "./support/redis.js";

const TEAM = "https://fleet-test.cloudflareaccess.com";
const AUD = "threads-api-admin-audience-tag";

let suite: Suite;
let moderation: FakeModeration;
let app: RunningApp;
let signingKey: CryptoKey;
let pool: pg.Pool;

async function accessToken(claims: { aud?: string; iss?: string; email?: string } = {}, key = signingKey): Promise<string> {
  return new SignJWT({ email: claims.email ?? "admin@example.test" })
    .setProtectedHeader({ alg: "RS256", kid: "access-key-1" })
    .setIssuer(claims.iss ?? TEAM)
    .setAudience(claims.aud ?? AUD)
    .setSubject("admin-subject")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key);
}

const asAdmin = async (init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), "cf-access-jwt-assertion": await accessToken() } });

beforeAll(async () => {
  suite = await startSuite("admin");
  moderation = await FakeModeration.start({ apiKey: "sk-test-moderation-key" });
  const keys = await generateKeyPair("RS256");
  signingKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "access-key-1", alg: "RS256" };
  app = await startApp({
    env: testEnv({ ...suite.services, moderationUrl: moderation.url }, { CF_ACCESS_TEAM_DOMAIN: TEAM, CF_ACCESS_AUD: AUD }),
    accessKeys: createLocalJWKSet({ keys: [jwk] }),
  });
  pool = new pg.Pool({ connectionString: suite.db.url, options: `-c search_path=${SCHEMA}`, max: 2 });
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
  await moderation?.close();
  await suite?.close();
});

describe("Cloudflare Access in front of /admin", () => {
  it("refuses without a token, with a foreign one, or one for another audience", async () => {
    const other = await generateKeyPair("RS256");
    const attempts: Record<string, string | undefined> = {
      none: undefined,
      "foreign key": await accessToken({}, other.privateKey),
      "other audience": await accessToken({ aud: "someone-else" }),
      "other team": await accessToken({ iss: "https://other.cloudflareaccess.com" }),
    };
    for (const [name, token] of Object.entries(attempts)) {
      const response = await fetch(`${app.url}/admin/metrics`, { headers: token ? { "cf-access-jwt-assertion": token } : {} });
      expect(response.status, name).toBe(403);
      expect(((await response.json()) as { error: string }).error, name).toMatch(/^access_/);
    }
  });

  it("is closed when Access is not configured, outside development", async () => {
    const bare = await startApp({ env: suite.env() });
    try {
      expect((await fetch(`${bare.url}/admin/metrics`)).status).toBe(403);
    } finally {
      await bare.close();
    }
  });
});

describe("GET /admin/metrics", () => {
  it("exposes request latency, errors, queue depth and the jobs' durations in a format Prometheus parses", async () => {
    const user = new Browser(app.url, WEB_ORIGIN);
    await signIn(user, suite.threads, "alice");
    await user.get("/api/v1/me");
    await fetch(`${app.url}/api/v1/me`);
    const redis = new Redis(REDIS_URL, { keyPrefix: suite.redis.prefix });
    try {
      await createIngestRun({ env: testEnv({ ...suite.services, moderationUrl: moderation.url }), pool, redis, logger: silentLogger }).run();
    } finally {
      await redis.quit();
    }

    const response = await fetch(`${app.url}/admin/metrics`, await asAdmin());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));

    const latency = families.get("http_request_duration_seconds")!;
    expect(latency.type).toBe("HISTOGRAM");
    // The parser keeps only the buckets of labelled histograms: read the count line itself.
    const meCount = /^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status_code="200"\} (\d+)$/m.exec(text);
    expect(Number(meCount?.[1])).toBeGreaterThanOrEqual(1);
    const errors = families.get("http_request_errors_total")!;
    expect(errors.metrics.some((sample) => sample.labels?.route === "/api/v1/me" && sample.labels.status_code === "401")).toBe(true);

    const depth = families.get("threads_queue_depth")!;
    expect(depth.type).toBe("GAUGE");
    expect(Object.fromEntries(depth.metrics.map((sample) => [sample.labels?.list, Number(sample.value)]))).toEqual({ pending: 0, processing: 0, deferred: 0 });

    for (const name of ["threads_ingest_user_duration_seconds", "threads_ingest_run_duration_seconds", "threads_scoring_duration_seconds"]) {
      const family = families.get(name);
      expect(family?.type, name).toBe("HISTOGRAM");
      const sample = family!.metrics[0]!;
      expect(Number(sample.count), name).toBeGreaterThanOrEqual(1);
      // Cumulative buckets, the last (+Inf) equal to the count.
      const counts = Object.entries(sample.buckets ?? {})
        .sort(([a], [b]) => (a === "+Inf" ? Infinity : Number(a)) - (b === "+Inf" ? Infinity : Number(b)))
        .map(([, count]) => Number(count));
      expect(counts, name).toEqual([...counts].sort((a, b) => a - b));
      expect(sample.buckets?.["+Inf"], name).toBe(sample.count);
    }
    const jobs = families.get("threads_ingest_jobs_total")!;
    expect(jobs.metrics.find((sample) => sample.labels?.outcome === "ingested")?.value).toBe("1");
    expect(families.has("process_resident_memory_bytes")).toBe(true);
    expect(text).not.toContain("THLL");
  });
});

describe("admin actions", () => {
  it("queue an ingestion and delete an account, each written to the audit log with who did it", async () => {
    const user = new Browser(app.url, WEB_ORIGIN);
    await signIn(user, suite.threads, "bob");
    const { id } = (await (await user.get("/api/v1/me")).json()) as { id: string };

    const queued = await fetch(`${app.url}/admin/users/${id}/ingest`, await asAdmin({ method: "POST" }));
    expect(queued.status).toBe(202);
    expect((await fetch(`${app.url}/admin/users/not-a-uuid/ingest`, await asAdmin({ method: "POST" }))).status).toBe(400);
    const crossSite = await fetch(`${app.url}/admin/users/${id}`, await asAdmin({ method: "DELETE", headers: { origin: "https://evil.example" } }));
    expect(crossSite.status).toBe(403);
    const deleted = await fetch(`${app.url}/admin/users/${id}`, await asAdmin({ method: "DELETE", headers: { origin: API_ORIGIN } }));
    expect(deleted.status).toBe(204);
    expect((await fetch(`${app.url}/admin/users/${id}`, await asAdmin({ method: "DELETE" }))).status).toBe(404);

    const audit = (await (await fetch(`${app.url}/admin/audit?limit=10`, await asAdmin())).json()) as { items: { actor: string; action: string; target: string; requestId: string }[] };
    expect(audit.items.slice(0, 2).map(({ actor, action, target }) => ({ actor, action, target }))).toEqual([
      { actor: "access:admin@example.test", action: "user.deleted", target: id },
      { actor: "access:admin@example.test", action: "user.ingest_requested", target: id },
    ]);
    expect(audit.items[0]!.requestId).toEqual(expect.any(String));
    expect((await user.get("/api/v1/me")).status).toBe(401);
  });
});

describe("DELETE /api/v1/me", () => {
  it("deletes the account and every row of its data, its cache entries, and the session cookies", async () => {
    const user = new Browser(app.url, WEB_ORIGIN);
    await signIn(user, suite.threads, "alice");
    const { id } = (await (await user.get("/api/v1/me")).json()) as { id: string };
    await pool.query("UPDATE users SET last_ingested_at = NULL WHERE id = $1", [id]);
    const redis = new Redis(REDIS_URL, { keyPrefix: suite.redis.prefix });
    try {
      await createIngestRun({ env: testEnv({ ...suite.services, moderationUrl: moderation.url }), pool, redis, logger: silentLogger }).run();
    } finally {
      await redis.quit();
    }
    await user.post("/api/v1/auth/refresh");
    await user.get("/api/v1/me/posts/top");
    const rowsOf = async () => {
      const tables = await pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'user_id' ORDER BY table_name",
        [SCHEMA],
      );
      const counts: Record<string, number> = {};
      for (const { table_name } of tables.rows) {
        counts[table_name] = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table_name} WHERE user_id = $1`, [id])).rows[0]!.n);
      }
      counts["users"] = Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE id = $1", [id])).rows[0]!.n);
      return counts;
    };
    const before = await rowsOf();
    expect(before).toMatchObject({ users: 1, threads_tokens: 1, posts: 12, replies: 24 });
    expect(before["refresh_tokens"]).toBeGreaterThanOrEqual(2);
    expect((await suite.redis.keys()).some((key) => key.includes(`:cache:user:${id}:`))).toBe(true);

    const response = await user.delete("/api/v1/me");
    expect(response.status).toBe(204);
    expect(user.cookie("threads_access")).toBeUndefined();
    expect(user.cookie("threads_refresh")).toBeUndefined();
    const after = await rowsOf();
    expect(Object.values(after).every((count) => count === 0), JSON.stringify(after)).toBe(true);
    // Nothing anywhere else mentions the account either.
    const { rows } = await pool.query("SELECT 1 FROM audit_log WHERE target = $1 OR details::text LIKE $2", [id, `%${id}%`]);
    expect(rows).toEqual([]);
    expect((await suite.redis.keys()).filter((key) => key.includes(id))).toEqual([]);
  });
});
