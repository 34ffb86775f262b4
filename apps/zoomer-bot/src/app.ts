/**
 * The composition root: builds the bot from its parts. The worker builds it
 * from the environment; tests build it in-process with a fake channel, fake
 * APIs on loopback and instant sleeps.
 */
import type pg from "pg";
import type { Logger } from "pino";
import type { ChannelAdapter, ChannelPost } from "./channel/adapter.js";
import { LocalChannelAdapter } from "./channel/local-adapter.js";
import { createPool } from "./db.js";
import type { Env } from "./env.js";
import type { Fetch } from "./http/json-api.js";
import { sleep as realSleep } from "./shared/http/sleep.js";
import { openSearch, TranslationMemory } from "./memory/translation-memory.js";
import { DEFAULT_RETRIES, Pipeline, postFromRow, type RetryPolicies } from "./pipeline/pipeline.js";
import { PostQueue } from "./pipeline/queue.js";
import { TelegramChannelAdapter } from "./telegram/adapter.js";
import { SessionStore } from "./telegram/session-store.js";
import { AnthropicClient } from "./translation/anthropic.js";
import { EmbeddingsClient } from "./translation/embeddings.js";

/** Posts fetched at once when catching up on what was missed. */
export const CATCH_UP_LIMIT = 50;

export interface BotOptions {
  readonly env: Env;
  readonly logger: Logger;
  /** @default the channel CHANNEL_ADAPTER names */
  readonly adapter?: (pool: pg.Pool) => Promise<ChannelAdapter>;
  /** @default global fetch */
  readonly fetch?: Fetch;
  /** @default real timers */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly retries?: RetryPolicies;
  /** Force a similarity search. @default pgvector where installed, else exact */
  readonly search?: "pgvector" | "exact";
  /** Heartbeat (and catch-up) interval. @default 60 s */
  readonly heartbeatMs?: number;
  /** How long SIGTERM lets the post in hand finish. @default 15 s (Heroku kills at 30) */
  readonly stopGraceMs?: number;
}

/** The channel CHANNEL_ADAPTER names; Telegram's session comes from telegram_sessions or TG_COMPRESSED_SESSION_STRING. */
export async function createAdapter(env: Env, pool: pg.Pool, logger: Logger, probeWithSession = false): Promise<ChannelAdapter> {
  if (env.CHANNEL_ADAPTER === "local") return new LocalChannelAdapter({ dir: env.LOCAL_CHANNEL_DIR, sourceChannel: env.SRC_CHANNEL, logger });
  const store = new SessionStore(pool, env.APP_ENV);
  const { session, origin } = await store.load(env.TG_COMPRESSED_SESSION_STRING, logger);
  logger.info({ origin }, "telegram session loaded");
  return new TelegramChannelAdapter({
    apiId: env.TG_API_ID,
    apiHash: env.TG_API_HASH,
    session,
    sourceChannel: env.SRC_CHANNEL,
    destinationChannel: env.DST_CHANNEL,
    logger,
    probeWithSession,
    onSessionChanged: async (changed) => {
      await store.save(changed);
      logger.info({ event: "session_saved", environment: env.APP_ENV }, "telegram session changed; saved to telegram_sessions");
    },
  });
}

export class Bot {
  readonly pool: pg.Pool;
  readonly adapter: ChannelAdapter;
  readonly pipeline: Pipeline;
  readonly queue: PostQueue;
  readonly memory: TranslationMemory;
  readonly #options: BotOptions;
  readonly #startedAt = performance.now();
  #heartbeat: NodeJS.Timeout | undefined;
  #catchingUp: Promise<void> = Promise.resolve();

  private constructor(options: BotOptions, pool: pg.Pool, adapter: ChannelAdapter, memory: TranslationMemory) {
    const { env, logger } = options;
    this.#options = options;
    this.pool = pool;
    this.adapter = adapter;
    this.memory = memory;
    const fetch = options.fetch ?? globalThis.fetch;
    this.pipeline = new Pipeline({
      pool,
      adapter,
      memory,
      embeddings: new EmbeddingsClient({ baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, model: env.OPENAI_EMBEDDING_MODEL, fetch }),
      anthropic: new AnthropicClient({ baseUrl: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY, model: env.ANTHROPIC_MODEL, fetch }),
      style: env.TRANSLATION_STYLE,
      sourceLinkLabel: env.SOURCE_LINK_LABEL,
      retries: options.retries ?? DEFAULT_RETRIES,
      sleep: options.sleep ?? realSleep,
      logger,
    });
    this.queue = new PostQueue(this.pipeline, logger);
  }

  /** Connects the database, opens the memory search and the channel (not yet listening). */
  static async create(options: BotOptions): Promise<Bot> {
    const { env, logger } = options;
    const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
    try {
      const search = await openSearch(pool, options.search);
      const memory = new TranslationMemory(
        pool,
        search,
        { model: env.OPENAI_EMBEDDING_MODEL, limit: env.TM_RECALL_LIMIT, threshold: env.TM_SIMILARITY_THRESHOLD },
        logger,
      );
      const adapter = await (options.adapter ?? ((p) => createAdapter(env, p, logger)))(pool);
      return new Bot(options, pool, adapter, memory);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /** Listens, resumes what a previous run left, catches up on missed posts, then reports ready. */
  async start(): Promise<void> {
    const { logger, env } = this.#options;
    const loadStarted = performance.now();
    this.memory.loaded().then(
      (pairs) => {
        if (pairs !== undefined) logger.info({ event: "memory_loaded", pairs, loadMs: Math.round(performance.now() - loadStarted) }, `translation memory loaded: ${pairs} pairs`);
      },
      (error: unknown) => logger.error({ event: "tm_recall_failed", err: error }, "TM recall failed: the translation memory could not be read; recalls try again"),
    );
    await this.adapter.start((post) => this.#receive(post));
    for (const row of await this.pipeline.processed.unfinished()) this.queue.push(postFromRow(row));
    await this.catchUp();
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.heartbeatMs ?? 60_000);
    this.#heartbeat.unref();
    logger.info(
      {
        event: "ready",
        channel: this.adapter.kind,
        search: this.memory.searchKind,
        source: env.SRC_CHANNEL,
        destination: env.DST_CHANNEL,
        bootMs: Math.round(performance.now() - this.#startedAt),
      },
      `ready: translating ${env.SRC_CHANNEL} into ${env.DST_CHANNEL}`,
    );
  }

  #receive(post: ChannelPost): void {
    this.queue.push(post);
  }

  /**
   * Posts newer than the newest one ever received, oldest first: what arrived
   * while the bot was down, or an update the connection missed. Nothing on a
   * first run (the bot starts from now, not from the channel's history).
   */
  async catchUp(): Promise<void> {
    this.#catchingUp = this.#catchingUp.then(async () => {
      const channelId = this.adapter.sourceChannelId;
      if (channelId === undefined) return;
      const last = await this.pipeline.processed.lastMessageId(channelId);
      if (last === undefined) return;
      const missed = await this.adapter.postsAfter(last, CATCH_UP_LIMIT);
      if (missed.length > 0) this.#options.logger.info({ posts: missed.length, after: last }, "catching up on posts missed while away");
      for (const post of missed) this.#receive(post);
    });
    return this.#catchingUp.catch((error: unknown) => this.#options.logger.warn({ err: error }, "catching up failed; next heartbeat tries again"));
  }

  #beat(): void {
    const rssMiB = Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
    this.#options.logger.info(
      { event: "heartbeat", waiting: this.queue.waiting, ...this.queue.counts, uptimeS: Math.round((performance.now() - this.#startedAt) / 1000), rssMiB },
      "heartbeat",
    );
    void this.catchUp();
  }

  /** SIGTERM: no new posts, the one in hand finishes (or is left recorded), the channel and pool close. */
  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    await this.#catchingUp.catch(() => undefined);
    await this.queue.stop(this.#options.stopGraceMs ?? 15_000);
    await this.adapter.stop();
    await this.pool.end();
  }
}
