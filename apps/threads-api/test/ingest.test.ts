/**
 * Ingestion against the fake Threads and the fake moderation API, with real
 * Postgres and Redis: what gets stored and how it is scored (the numbers),
 * Graph paging, Threads rate limits and outages, refused and refreshed
 * tokens, moderation faults, and a queue left by a crashed run.
 */
import pg from "pg";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TokenCipher } from "../src/auth/token-cipher.js";
import { UserRepository } from "../src/data/users.js";
import { createIngestRun } from "../src/ingestion/compose.js";
import { QUEUE_KEYS, WorkQueue } from "../src/ingestion/work-queue.js";
import { decayedScore, engagementOf } from "../src/scoring/engagement.js";
import { toxicityOf } from "../src/scoring/toxicity.js";
import { FakeModeration, fakeScores } from "./support/fake-moderation.js";
import { Browser, KEY_A, SCHEMA, signIn, silentLogger, startApp, startSuite, testEnv, WEB_ORIGIN, type Suite } from "./support/harness.js";
import { REDIS_URL } from "./support/redis.js";
import { generatePosts, type FakeThreadsUser } from "./support/threads-data.js";

// Whole seconds, like Graph timestamps, so ages come out exact.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const users = (): FakeThreadsUser[] => [
  { id: "17841400000000011", username: "alice", name: "Alice", posts: generatePosts("171", 12, NOW) },
  { id: "17841400000000012", username: "bob", name: "Bob", posts: generatePosts("172", 3, NOW, { toxicEvery: 100 }) },
  // 110 posts an hour apart: two pages of /me/threads.
  { id: "17841400000000013", username: "carol", name: "Carol", posts: generatePosts("173", 110, NOW, { spacingHours: 1, repliesPerPost: 0 }) },
];

let suite: Suite;
let moderation: FakeModeration;
let pool: pg.Pool;
let redis: Redis;
let repository: UserRepository;
const sleeps: number[] = [];

function env(overrides: Record<string, string> = {}) {
  return testEnv({ ...suite.services, moderationUrl: moderation.url }, overrides);
}

function run(options: { now?: Date; heartbeatTtlSeconds?: number; envOverrides?: Record<string, string> } = {}) {
  return createIngestRun({
    env: env(options.envOverrides),
    pool,
    redis,
    logger: silentLogger,
    http: { sleep: async (ms) => void sleeps.push(ms) },
    now: () => options.now ?? NOW,
    ...(options.heartbeatTtlSeconds !== undefined ? { heartbeatTtlSeconds: options.heartbeatTtlSeconds } : {}),
  });
}

/** Signs a fake user in the way /callback does, without a browser. */
async function signedIn(username: string): Promise<string> {
  const fakeUser = suite.threads.user(username);
  const token = suite.threads.issueLongLived(username);
  const user = await repository.signedIn({ id: fakeUser.id, username, name: fakeUser.name }, token.accessToken, token.expiresAt);
  return user.id;
}

async function queueIsEmpty(): Promise<void> {
  const keys = (await suite.redis.keys()).filter((key) => key.includes(":queue:"));
  expect(keys).toEqual([]);
}

beforeAll(async () => {
  suite = await startSuite("ingest", users());
  moderation = await FakeModeration.start({ apiKey: "sk-test-moderation-key" });
  pool = new pg.Pool({ connectionString: suite.db.url, options: `-c search_path=${SCHEMA}`, max: 4 });
  redis = new Redis(REDIS_URL, { keyPrefix: suite.redis.prefix });
  repository = new UserRepository(pool, new TokenCipher([KEY_A]));
});
afterAll(async () => {
  await redis?.quit();
  await pool?.end();
  await moderation?.close();
  await suite?.close();
});
afterEach(async () => {
  sleeps.length = 0;
  await pool.query("TRUNCATE users CASCADE");
});

describe("an ingestion run", () => {
  it("stores each due user's posts, replies and metrics, and scores them", async () => {
    const alice = await signedIn("alice");
    const summary = await run().run();
    expect(summary).toMatchObject({ recovered: 0, queued: 1, processed: 1, outcomes: { ingested: 1 } });

    const fake = suite.threads.user("alice");
    const { rows: posts } = await pool.query<{ id: string; likes: number; replies: number; reposts: number; quotes: number; views: number; engagement: number; engagement_score: number; toxicity: number; published_at: Date }>(
      "SELECT id, likes, replies, reposts, quotes, views, engagement, engagement_score, toxicity, published_at FROM posts WHERE user_id = $1 ORDER BY id",
      [alice],
    );
    expect(posts).toHaveLength(12);
    for (const post of posts) {
      const source = fake.posts.find((candidate) => candidate.id === post.id)!;
      expect(post).toMatchObject(source.metrics);
      expect(post.published_at.getTime()).toBe(source.timestamp.getTime());
      // engagement = likes + 2·replies + 3·reposts + 3·quotes, decayed by e^(−0.1·hours)
      const engagement = source.metrics.likes + 2 * source.metrics.replies + 3 * source.metrics.reposts + 3 * source.metrics.quotes;
      expect(post.engagement).toBe(engagement);
      const hours = (NOW.getTime() - post.published_at.getTime()) / 3_600_000;
      expect(post.engagement_score).toBeCloseTo(engagement * Math.exp(-0.1 * hours), 9);
      expect(post.toxicity).toBeCloseTo(toxicityOf(fakeScores(source.text)), 9);
    }
    // A worked example: post 1 is 3 hours old with 5 likes, 2 replies, no reposts or quotes.
    const first = posts.find((post) => post.id === "1710001")!;
    expect(first.engagement).toBe(9);
    expect(first.engagement_score).toBeCloseTo(9 * Math.exp(-0.3), 9);

    const { rows: replies } = await pool.query<{ text: string; toxicity: number }>("SELECT text, toxicity FROM replies WHERE user_id = $1", [alice]);
    expect(replies).toHaveLength(24);
    for (const reply of replies) expect(reply.toxicity).toBeCloseTo(toxicityOf(fakeScores(reply.text)), 9);
    expect(replies.filter((reply) => reply.toxicity >= 0.8)).toHaveLength(8);
    expect(moderation.batches.every((batch) => batch.length <= 32)).toBe(true);

    const { rows: marked } = await pool.query<{ last_ingested_at: Date }>("SELECT last_ingested_at FROM users WHERE id = $1", [alice]);
    expect(marked[0]!.last_ingested_at.getTime()).toBe(NOW.getTime());
    await queueIsEmpty();
    expect((await run().run()).queued).toBe(0);
  });

  it("serves what it stored through the API, ranked by decayed score", async () => {
    const app = await startApp({ env: env() });
    try {
      const browser = new Browser(app.url, WEB_ORIGIN);
      await signIn(browser, suite.threads, "alice");
      await run().run();
      const page = (await (await browser.get("/api/v1/me/posts?sort=score&perPage=100")).json()) as { items: { id: string; engagementScore: number; likes: number; replies: number; reposts: number; quotes: number; publishedAt: string }[]; total: number };
      expect(page.total).toBe(12);
      const expected = page.items.map((post) => decayedScore(engagementOf(post), new Date(post.publishedAt), NOW, 0.1));
      page.items.forEach((post, index) => expect(post.engagementScore).toBeCloseTo(expected[index]!, 9));
      expect([...expected].sort((a, b) => b - a)).toEqual(expected);
      const flagged = (await (await browser.get("/api/v1/me/replies/flagged")).json()) as { total: number; items: { categories: string[]; toxicity: number }[] };
      expect(flagged.total).toBe(8);
      expect(flagged.items[0]).toMatchObject({ toxicity: 0.93, categories: ["harassment", "hate"] });
      const me = (await (await browser.get("/api/v1/me")).json()) as { counts: unknown; lastIngestedAt: string };
      expect(me).toMatchObject({ counts: { posts: 12, flaggedReplies: 8 }, lastIngestedAt: NOW.toISOString() });
    } finally {
      await app.close();
    }
  });

  it("follows Graph paging to the end", async () => {
    const carol = await signedIn("carol");
    await run().run();
    const { rows } = await pool.query<{ posts: string; replies: string }>(
      "SELECT (SELECT count(*) FROM posts WHERE user_id = $1) AS posts, (SELECT count(*) FROM replies WHERE user_id = $1) AS replies",
      [carol],
    );
    expect(rows[0]).toEqual({ posts: "110", replies: "0" });
    const threadsCalls = suite.threads.requests.filter((request) => request.path === "/v1.0/me/threads" && request.userId === "17841400000000013");
    expect(threadsCalls.length).toBeGreaterThanOrEqual(2);
  });
});

describe("Threads rate limits and outages", () => {
  it("waits out a short rate limit in place", async () => {
    await signedIn("bob");
    suite.threads.rateLimitNext("/v1.0/me/threads", { code: 4, retryAfterSeconds: 2 });
    const summary = await run().run();
    expect(summary.outcomes).toEqual({ ingested: 1 });
    expect(sleeps).toContain(2_000);
  });

  it("defers the job on an app-wide limit, ends the run, and finishes it in a later run", async () => {
    const bob = await signedIn("bob");
    await signedIn("alice");
    suite.threads.rateLimitNext("*", { code: 4, retryAfterSeconds: 3_600 });
    const limited = await run().run();
    expect(limited).toMatchObject({ queued: 2, processed: 1, stoppedBecause: "rate_limited", outcomes: { rate_limited_app: 1 } });
    expect(await suite.redis.raw.llen(`${suite.redis.prefix}${QUEUE_KEYS.deferred}`)).toBe(1);
    expect(await suite.redis.raw.llen(`${suite.redis.prefix}${QUEUE_KEYS.pending}`)).toBe(1);

    const later = await run().run();
    expect(later).toMatchObject({ queued: 0, processed: 2, outcomes: { ingested: 2 } });
    const { rows } = await pool.query("SELECT 1 FROM posts WHERE user_id = $1", [bob]);
    expect(rows).toHaveLength(3);
    await queueIsEmpty();
  });

  it("defers only the user hit by a per-user limit, and a Threads outage, without stopping the run", async () => {
    await signedIn("bob");
    await signedIn("alice");
    suite.threads.rateLimitNext("/v1.0/me/threads", { code: 17, retryAfterSeconds: 600 });
    suite.threads.failNext("/v1.0/me/threads", 503, 3);
    const summary = await run().run();
    expect(summary.processed).toBe(2);
    expect(summary.outcomes).toEqual({ rate_limited_user: 1, threads_unavailable: 1 });
    expect(await suite.redis.raw.llen(`${suite.redis.prefix}${QUEUE_KEYS.deferred}`)).toBe(2);
    expect((await run().run()).outcomes).toEqual({ ingested: 2 });
    await queueIsEmpty();
  });
});

describe("Threads tokens", () => {
  it("marks a refused token, so the user is asked to sign in again and not queued any more", async () => {
    const alice = await signedIn("alice");
    suite.threads.revokeTokensOf("alice");
    const summary = await run().run();
    expect(summary.outcomes).toEqual({ signin_required: 1 });
    const { rows } = await pool.query<{ invalid_since: Date | null }>("SELECT invalid_since FROM threads_tokens WHERE user_id = $1", [alice]);
    expect(rows[0]!.invalid_since).not.toBeNull();
    expect((await run().run()).queued).toBe(0);
    await queueIsEmpty();
  });

  it("asks for a new sign-in when the user did not grant a permission the calls need", async () => {
    const bob = await signedIn("bob");
    suite.threads.refuseNext("/v1.0/me/threads");
    expect((await run().run()).outcomes).toEqual({ signin_required: 1 });
    const { rows } = await pool.query<{ invalid_since: Date | null }>("SELECT invalid_since FROM threads_tokens WHERE user_id = $1", [bob]);
    expect(rows[0]!.invalid_since).not.toBeNull();
    await queueIsEmpty();
  });

  it("refreshes a long-lived token in its last week, and keeps the refreshed one sealed", async () => {
    const alice = await signedIn("alice");
    const before = await repository.readToken(alice);
    const inFiftyFiveDays = 55 * 86_400_000;
    suite.threads.advanceClock(inFiftyFiveDays);
    await pool.query("UPDATE threads_tokens SET issued_at = issued_at - interval '55 days' WHERE user_id = $1", [alice]);
    try {
      const later = new Date(NOW.getTime() + inFiftyFiveDays);
      expect((await run({ now: later }).run()).outcomes).toEqual({ ingested: 1 });
      expect(suite.threads.requests.some((request) => request.grantType === "th_refresh_token")).toBe(true);
      const after = await repository.readToken(alice);
      expect(after!.accessToken).not.toBe(before!.accessToken);
      expect(suite.threads.isValid(after!.accessToken)).toBe(true);
      expect(after!.expiresAt.getTime() - later.getTime()).toBeGreaterThan(59 * 86_400_000);
    } finally {
      suite.threads.advanceClock(-inFiftyFiveDays);
    }
  });
});

describe("moderation faults", () => {
  it("waits out a 429 and retries a 5xx", async () => {
    await signedIn("bob");
    moderation.failNext(429, 1, 2);
    moderation.failNext(500, 1);
    const summary = await run().run();
    expect(summary.outcomes).toEqual({ ingested: 1 });
    expect(sleeps).toEqual(expect.arrayContaining([2_000, 1_000]));
    const { rows } = await pool.query("SELECT 1 FROM posts WHERE toxicity IS NULL UNION ALL SELECT 1 FROM replies WHERE toxicity IS NULL");
    expect(rows).toEqual([]);
  });

  it("stores posts unscored when moderation stays down, and scores them on the next run", async () => {
    const bob = await signedIn("bob");
    moderation.failNext(503, 3);
    await run().run();
    const unscored = await pool.query("SELECT 1 FROM posts WHERE user_id = $1 AND toxicity IS NULL", [bob]);
    expect(unscored.rows.length).toBeGreaterThan(0);
    await pool.query("UPDATE users SET last_ingested_at = NULL");
    await run().run();
    const after = await pool.query("SELECT 1 FROM posts WHERE user_id = $1 AND toxicity IS NULL", [bob]);
    expect(after.rows).toEqual([]);
  });
});

describe("the work queue", () => {
  it("gives the job of a run that crashed mid-job to the next run, which drains the queue", async () => {
    const alice = await signedIn("alice");
    // A run that takes alice's job and dies: its connection drops, its heartbeat lapses.
    const doomedConnection = new Redis(REDIS_URL, { keyPrefix: suite.redis.prefix });
    const doomed = new WorkQueue(doomedConnection, { heartbeatTtlSeconds: 1 });
    await doomed.enqueue(alice);
    await doomed.start();
    const taken = await doomed.take();
    expect(taken?.job.userId).toBe(alice);
    doomedConnection.disconnect();
    const heartbeat = `${suite.redis.prefix}${QUEUE_KEYS.heartbeat(doomed.runId)}`;
    while ((await suite.redis.raw.exists(heartbeat)) === 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await suite.redis.raw.llen(`${suite.redis.prefix}${QUEUE_KEYS.processing(doomed.runId)}`)).toBe(1);

    const summary = await run().run();
    expect(summary).toMatchObject({ recovered: 1, queued: 0, processed: 1, outcomes: { ingested: 1 } });
    const { rows } = await pool.query("SELECT 1 FROM posts WHERE user_id = $1", [alice]);
    expect(rows).toHaveLength(12);
    await queueIsEmpty();
  });

  it("never queues a user twice, and leaves a live run's jobs alone", async () => {
    const alice = await signedIn("alice");
    const live = new WorkQueue(redis);
    expect(await live.enqueue(alice)).toBe(true);
    expect(await live.enqueue(alice)).toBe(false);
    await live.start();
    const taken = await live.take();
    const other = new WorkQueue(redis);
    expect(await other.recoverOrphans()).toBe(0);
    await live.complete(taken!);
    await live.stop();
    await queueIsEmpty();
  });
});
