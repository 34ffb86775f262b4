/**
 * What most tests need: a migrated database, the fake APIs, an environment
 * pointing at them, a logger whose lines the test can read, and a bot built
 * in-process on a fake channel with instant (recorded) backoff sleeps.
 */
import { Writable } from "node:stream";
import type { Logger } from "pino";
import { Bot, type BotOptions } from "../../src/app.js";
import { loadEnv, type Env } from "../../src/env.js";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";
import type { RetryPolicies } from "../../src/pipeline/pipeline.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { ANTHROPIC_KEY, FakeAnthropic } from "./fake-anthropic.js";
import { FakeChannelAdapter, FakeChannels, SOURCE } from "./fake-channel.js";
import { FakeEmbeddings, OPENAI_KEY } from "./fake-embeddings.js";

export const silentLogger = createLogger("silent");

/** Small retry budgets: waits are recorded, not slept. */
export const TEST_RETRIES: RetryPolicies = {
  translate: { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 },
  embed: { attempts: 2, baseDelayMs: 500, maxDelayMs: 5_000 },
  publish: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 },
};

export function testEnv(databaseUrl: string, anthropicUrl: string, embeddingsUrl: string, overrides: Record<string, string | undefined> = {}): Env {
  return loadEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    APP_ENV: "development",
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: "zoomer_bot",
    PG_POOL_MAX: "3",
    TG_API_ID: "12345",
    TG_API_HASH: "0123456789abcdef0123456789abcdef",
    SRC_CHANNEL: `@${SOURCE.username}`,
    DST_CHANNEL: "@zoomer_test_destination",
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: anthropicUrl,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: embeddingsUrl,
    TM_SIMILARITY_THRESHOLD: "0.3",
    TM_RECALL_LIMIT: "3",
    ...overrides,
  });
}

/** A logger writing into `lines` (parsed JSON objects). */
export function capturingLogger(lines: Record<string, unknown>[], level = "debug"): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return createLogger(level, { env: "development" }, destination);
}

export interface Suite {
  readonly db: TestDatabase;
  readonly anthropic: FakeAnthropic;
  readonly embeddings: FakeEmbeddings;
  env(overrides?: Record<string, string | undefined>): Env;
  close(): Promise<void>;
}

export async function startSuite(label: string): Promise<Suite> {
  const db = await createTestDatabase(label);
  await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "zoomer_bot" }, silentLogger);
  const anthropic = await FakeAnthropic.start();
  const embeddings = await FakeEmbeddings.start();
  return {
    db,
    anthropic,
    embeddings,
    env: (overrides) => testEnv(db.url, anthropic.url, embeddings.url, overrides),
    async close() {
      await anthropic.close();
      await embeddings.close();
      await db.drop();
    },
  };
}

export interface TestBot {
  readonly bot: Bot;
  readonly adapter: FakeChannelAdapter;
  readonly lines: Record<string, unknown>[];
  /** Every backoff wait the bot asked for, in ms. */
  readonly sleeps: number[];
}

/** A bot on the fake channels (not started). */
export async function buildTestBot(suite: Suite, channels: FakeChannels, options: Partial<BotOptions> = {}): Promise<TestBot> {
  const lines: Record<string, unknown>[] = [];
  const sleeps: number[] = [];
  const adapter = new FakeChannelAdapter(channels);
  const bot = await Bot.create({
    env: suite.env(),
    logger: capturingLogger(lines),
    adapter: async () => adapter,
    retries: TEST_RETRIES,
    search: "exact",
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw signal.reason;
    },
    ...options,
  });
  return { bot, adapter, lines, sleeps };
}

export const events = (lines: readonly Record<string, unknown>[], event: string) => lines.filter((line) => line.event === event);
