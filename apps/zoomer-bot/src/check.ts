/**
 * `node dist/check.js [--with-session]` — a one-off dyno command (`heroku run
 * node dist/check.js`) that checks what the worker depends on and changes
 * nothing: the database (tables, pgvector, counts), Telegram, Anthropic and
 * the embeddings API. One JSON line per check and a summary; exit 0 when
 * every check passed, 1 otherwise.
 */
import { parseArgs } from "node:util";
import type pg from "pg";
import { LocalChannelAdapter } from "./channel/local-adapter.js";
import type { ProbeResult } from "./channel/adapter.js";
import { createPool } from "./db.js";
import { loadEnv, type Env } from "./env.js";
import { APP_NAME, createLogger } from "./logger.js";
import { pgvectorSchema } from "./memory/pgvector-search.js";
import { runJob } from "./shared/job.js";
import { withTimeout } from "./shared/postgres.js";
import { TelegramChannelAdapter } from "./telegram/adapter.js";
import { decompressSession, describeSession, InvalidSessionError } from "./telegram/session-codec.js";
import { SESSION_VARIABLE } from "./telegram/session-store.js";
import { AnthropicClient } from "./translation/anthropic.js";
import { EmbeddingsClient } from "./translation/embeddings.js";

const HELP = `Usage: node dist/check.js [--with-session]

Checks, without changing anything: the database (the bot's tables, pgvector,
counts of pairs and posts by state), Telegram, Anthropic (the model exists for
the key) and the embeddings API (one tiny embedding). Exit 0 when all pass.

  --with-session  also sign in to Telegram with the bot's session and resolve
                  both channels. Only while the worker is stopped: one session
                  used from two dynos at once can be revoked by Telegram.
  --help          this text`;

const CHECK_TIMEOUT_MS = 15_000;

const TABLES = ["telegram_sessions", "translation_pairs", "processed_messages"];

async function checkDatabase(pool: pg.Pool, env: Env): Promise<ProbeResult> {
  const { rows } = await pool.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2::text[])",
    [env.DATABASE_SCHEMA, TABLES],
  );
  const missing = TABLES.filter((table) => !rows.some((row) => row.table_name === table));
  if (missing.length > 0) return { ok: false, detail: `schema ${env.DATABASE_SCHEMA} lacks ${missing.join(", ")}: run the release phase (node dist/migrate.js)` };
  const vector = await pgvectorSchema(pool);
  const pairs = await pool.query<{ count: string }>("SELECT count(*) AS count FROM translation_pairs");
  const states = await pool.query<{ state: string; count: string }>("SELECT state, count(*) AS count FROM processed_messages GROUP BY state ORDER BY state");
  const byState = states.rows.map((row) => `${row.state} ${row.count}`).join(", ") || "none yet";
  return {
    ok: true,
    detail: `schema ${env.DATABASE_SCHEMA} ready; memory search ${vector === undefined ? "exact in process (pgvector not installed)" : `pgvector (schema ${vector})`}; ${pairs.rows[0]?.count ?? 0} pairs; posts: ${byState}`,
  };
}

/** The session the worker would use, read only: the stored row, else the variable. */
async function sessionFor(pool: pg.Pool, env: Env): Promise<{ session: string; origin: string }> {
  const { rows } = await pool.query<{ session_data: string }>("SELECT session_data FROM telegram_sessions WHERE environment = $1", [env.APP_ENV]);
  if (rows[0] !== undefined) return { session: decompressSession(rows[0].session_data, `telegram_sessions row "${env.APP_ENV}"`), origin: "telegram_sessions" };
  if (env.TG_COMPRESSED_SESSION_STRING !== undefined) return { session: decompressSession(env.TG_COMPRESSED_SESSION_STRING, SESSION_VARIABLE), origin: SESSION_VARIABLE };
  throw new InvalidSessionError(SESSION_VARIABLE, `neither telegram_sessions (APP_ENV=${env.APP_ENV}) nor the variable holds a session`);
}

async function checkChannel(pool: pg.Pool, env: Env, withSession: boolean): Promise<ProbeResult> {
  const logger = createLogger("silent");
  if (env.CHANNEL_ADAPTER === "local") return new LocalChannelAdapter({ dir: env.LOCAL_CHANNEL_DIR, sourceChannel: env.SRC_CHANNEL, logger }).probe();
  let session: { session: string; origin: string };
  try {
    session = await sessionFor(pool, env);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
  const info = describeSession(session.session, session.origin);
  const adapter = new TelegramChannelAdapter({
    apiId: env.TG_API_ID,
    apiHash: env.TG_API_HASH,
    session: session.session,
    sourceChannel: env.SRC_CHANNEL,
    destinationChannel: env.DST_CHANNEL,
    logger,
    onSessionChanged: async () => undefined,
    probeWithSession: withSession,
  });
  const probe = await adapter.probe();
  return { ok: probe.ok, detail: `session from ${session.origin} (data centre ${info.dcId}); ${probe.detail}` };
}

async function checkAnthropic(env: Env): Promise<ProbeResult> {
  const model = await new AnthropicClient({ baseUrl: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY, model: env.ANTHROPIC_MODEL }).describeModel();
  return { ok: true, detail: `model ${model.id}${model.displayName ? ` (${model.displayName})` : ""} available` };
}

async function checkEmbeddings(env: Env): Promise<ProbeResult> {
  const [vector] = await new EmbeddingsClient({ baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, model: env.OPENAI_EMBEDDING_MODEL }).embed(["ping"]);
  return { ok: true, detail: `model ${env.OPENAI_EMBEDDING_MODEL} answers with ${vector?.length ?? 0} dimensions` };
}

const { values } = parseArgs({ options: { "with-session": { type: "boolean", default: false }, help: { type: "boolean", default: false } } });
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

await runJob({
  app: APP_NAME,
  name: "check",
  loadEnv: () => loadEnv(process.env),
  createLogger: (env) => createLogger(env.LOG_LEVEL === "silent" ? "silent" : "info", { env: env.APP_ENV, dyno: env.DYNO }),
  open(env) {
    const pool = createPool({ ...env, PG_POOL_MAX: 1 }, () => undefined);
    return { pool, close: () => pool.end() };
  },
  async work({ env, logger, pool }) {
    const checks: Array<[string, () => Promise<ProbeResult>]> = [
      ["database", () => checkDatabase(pool, env)],
      ["telegram", () => checkChannel(pool, env, values["with-session"])],
      ["anthropic", () => checkAnthropic(env)],
      ["embeddings", () => checkEmbeddings(env)],
    ];
    const failed: string[] = [];
    for (const [name, run] of checks) {
      let result: ProbeResult;
      try {
        result = await withTimeout(run(), CHECK_TIMEOUT_MS, name);
      } catch (error) {
        result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
      if (!result.ok) failed.push(name);
      (result.ok ? logger.info.bind(logger) : logger.error.bind(logger))({ event: "check", check: name, ok: result.ok, detail: result.detail }, `${name}: ${result.ok ? "ok" : "FAILED"} — ${result.detail}`);
    }
    logger.info({ event: "check_summary", ok: failed.length === 0, failed }, failed.length === 0 ? "all checks passed" : `checks failed: ${failed.join(", ")}`);
    return failed.length === 0 ? 0 : 1;
  },
});
