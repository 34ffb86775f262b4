/**
 * /health for the router and uptime checks (the shared probe runner, with
 * euterpe's body: who is logged in, as the original answered); /db_check for
 * the schema-isolation diagnosis.
 */
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { sessionUserId } from "../session.js";
import { withTimeout } from "../shared/postgres.js";
import { checkHealth, HEALTH_TIMEOUT_MS, type HealthCheck } from "../shared/web/health.js";

export interface HealthRoutesOptions {
  readonly pool: pg.Pool;
  readonly schema: string;
}

const DB_CHECK_TIMEOUT_MS = 2_000;

/**
 * The app's tables and the columns that mark them as euterpe's. A table in
 * `public` with the same name AND these columns is a leak; a neighbour's own
 * `users` table (bookshelf-hermes has one) is not.
 */
export const APP_TABLE_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  users: ["spotify_user_id", "display_name"],
  user_tokens: ["access_token_encrypted", "refresh_token_encrypted"],
};

const LIST_TABLES = `
  SELECT c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'pgmigrations'
  ORDER BY c.relname`;

/** Names of tables in `public` that carry one of the app's table signatures. */
const FIND_PUBLIC_LEAKS = `
  SELECT c.relname AS name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
  JOIN jsonb_each($1::jsonb) AS signature(table_name, columns) ON signature.table_name = c.relname
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND (SELECT count(*) FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attname::text IN (SELECT jsonb_array_elements_text(signature.columns)))
        = jsonb_array_length(signature.columns)
  ORDER BY c.relname`;

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const { pool, schema } = options;
  // Uptime checks hit it all day: no rate limit.
  const exempt = { config: { rateLimit: false } } as const;

  app.get("/health", exempt, async (request, reply) => {
    const userId = sessionUserId(request);
    let user: string | null = null;
    // One round trip proves the database answers and names the signed-in user, if any.
    const database: HealthCheck = {
      name: "database",
      probe: async () => {
        if (!userId) return pool.query("SELECT 1");
        const result = await pool.query<{ display_name: string }>("SELECT display_name FROM users WHERE id = $1", [userId]);
        user = result.rows[0]?.display_name ?? null;
        return result;
      },
    };
    const report = await checkHealth([database], HEALTH_TIMEOUT_MS);
    void reply.header("cache-control", "no-store");
    if (report.status === "ok") return reply.send({ status: "healthy", authenticated: user !== null, user });
    request.log.warn({ failed: report.failed }, "health check: dependency failed");
    return reply.code(503).send({ status: "unhealthy", failed: report.failed, authenticated: userId !== undefined, user: null });
  });

  app.get("/db_check", async (request, reply) => {
    try {
      const report = await withTimeout(schemaReport(pool, schema), DB_CHECK_TIMEOUT_MS, "database");
      return reply.header("cache-control", "no-store").send(report);
    } catch (error) {
      request.log.warn({ err: error }, "db_check: database failed");
      return reply.code(503).send({ status: "error", schema, failed: ["database"], message: "database did not answer" });
    }
  });
}

/** The app's tables, its user count, and whether any of its tables leaked into public. */
async function schemaReport(pool: pg.Pool, schema: string) {
  const tables = (await pool.query<{ name: string }>(LIST_TABLES, [schema])).rows.map((row) => row.name);
  const leaks = (await pool.query<{ name: string }>(FIND_PUBLIC_LEAKS, [JSON.stringify(APP_TABLE_SIGNATURES)])).rows.map((row) => row.name);
  const usersCount = tables.includes("users")
    ? Number((await pool.query<{ count: string }>("SELECT count(*) AS count FROM users")).rows[0]?.count ?? 0)
    : null;
  return {
    status: "ok",
    schema,
    tables,
    users_count: usersCount,
    public_safety_check: leaks.length === 0 ? "passed" : "failed",
    ...(leaks.length > 0 ? { public_conflicts: leaks.map((name) => `public.${name}`) } : {}),
  };
}
