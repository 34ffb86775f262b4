/**
 * The pipeline end to end — receive → recall → translate → post → record —
 * on a fake channel, the fake Anthropic and embeddings servers and the real
 * Postgres: what is posted, what the model is shown, what is recorded, and
 * what happens on duplicates, crashes, API faults and shutdown.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANTHROPIC_VERSION } from "../src/translation/anthropic.js";
import { FakeChannels, SOURCE } from "./support/fake-channel.js";
import { buildTestBot, events, startSuite, type Suite, type TestBot } from "./support/harness.js";

let suite: Suite;
let channels: FakeChannels;
const running: TestBot[] = [];

beforeAll(async () => {
  suite = await startSuite("pipeline");
});
afterAll(async () => {
  await suite?.close();
});
beforeEach(async () => {
  channels = new FakeChannels();
  suite.anthropic.requests.length = 0;
  suite.embeddings.requests.length = 0;
  suite.anthropic.translate = (markup) => `EN: ${markup}`;
  suite.anthropic.stopReason = "end_turn";
  await suite.db.query("TRUNCATE zoomer_bot.processed_messages, zoomer_bot.translation_pairs, zoomer_bot.telegram_sessions");
});
afterEach(async () => {
  for (const test of running.splice(0)) await test.bot.stop().catch(() => undefined);
});

async function startBot(options: Parameters<typeof buildTestBot>[2] = {}): Promise<TestBot> {
  const test = await buildTestBot(suite, channels, options);
  running.push(test);
  await test.bot.start();
  return test;
}

/** Stops a bot as SIGTERM would (and forgets it). */
async function stopBot(test: TestBot): Promise<void> {
  running.splice(running.indexOf(test), 1);
  await test.bot.stop();
}

async function row(messageId: number) {
  const { rows } = await suite.db.query("SELECT * FROM zoomer_bot.processed_messages WHERE channel_id = $1 AND message_id = $2", [SOURCE.id, messageId]);
  return rows[0] as { state: string; attempts: number; last_error: string | null; destination_message_id: string | null; translation_text: string | null } | undefined;
}

describe("a new post", () => {
  it("is translated and posted with its formatting, its links and a link to the source post", async () => {
    const test = await startBot();
    const text = "Breaking: new law passed, details here";
    const post = channels.post(101, text, [
      { type: "bold", offset: 0, length: 9 },
      { type: "text_link", offset: 34, length: 4, url: "https://example.org/law?id=1&x=2" },
    ]);
    test.adapter.deliver(post);
    await test.bot.queue.idle();

    expect(channels.destination).toHaveLength(1);
    const [message] = channels.destination;
    expect(message!.text).toBe(`EN: ${text}\n\nSource`);
    expect(message!.entities).toEqual([
      { type: "bold", offset: 4, length: 9 },
      { type: "text_link", offset: 38, length: 4, url: "https://example.org/law?id=1&x=2" },
      { type: "text_link", offset: 4 + text.length + 2, length: 6, url: `https://t.me/${SOURCE.username}/101` },
    ]);

    // What the model was sent: the markup, the style, the pinned version, no sampling parameters.
    const [request] = suite.anthropic.requestsTo("/v1/messages");
    expect(request!.headers["anthropic-version"]).toBe(ANTHROPIC_VERSION);
    const body = request!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty("temperature");
    expect(body.messages).toEqual([{ role: "user", content: '<b>Breaking:</b> new law passed, details <a href="https://example.org/law?id=1&amp;x=2">here</a>' }]);
    expect(String(body.system)).toContain("Gen Z");

    const recorded = await row(101);
    expect(recorded).toMatchObject({ state: "posted", attempts: 1, last_error: null, destination_message_id: "1" });
    const pairs = await suite.db.query("SELECT source_text, translation_text, embedding_model, cardinality(embedding) AS dims FROM zoomer_bot.translation_pairs");
    expect(pairs.rows).toEqual([
      {
        source_text: '<b>Breaking:</b> new law passed, details <a href="https://example.org/law?id=1&amp;x=2">here</a>',
        translation_text: 'EN: <b>Breaking:</b> new law passed, details <a href="https://example.org/law?id=1&amp;x=2">here</a>',
        embedding_model: "text-embedding-3-small",
        dims: 32,
      },
    ]);

    // The original's monitoring patterns, as JSON fields.
    expect(events(test.lines, "memories_found")[0]).toMatchObject({ memoriesFound: 0, avgSimilarity: 0, search: "exact", channelId: SOURCE.id, messageId: 101 });
    expect(events(test.lines, "pair_saved")[0]).toMatchObject({ pairId: expect.any(Number), messageId: 101 });
    expect(events(test.lines, "session_completed")[0]).toMatchObject({ sessionMs: expect.any(Number), outcome: "posted", messageId: 101 });
    expect(events(test.lines, "ready")[0]).toMatchObject({ channel: "fake", search: "exact", bootMs: expect.any(Number) });
  });

  it("without text (a photo with no caption) is recorded as skipped, not posted", async () => {
    const test = await startBot();
    test.adapter.deliver(channels.post(102, ""));
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(0);
    expect(await row(102)).toMatchObject({ state: "skipped", last_error: "the post has no text to translate" });
    expect(suite.anthropic.requestsTo("/v1/messages")).toHaveLength(0);
  });
});

describe("translation memory", () => {
  /** A unit vector with cosine similarity `similarity` to e0, leaning on axis `axis`. */
  const at = (similarity: number, axis: number) => {
    const vector = new Array<number>(32).fill(0);
    vector[0] = similarity;
    vector[axis] = Math.sqrt(1 - similarity ** 2);
    return vector;
  };

  it("gives the model the most similar past pairs above the threshold, most similar closest to the post", async () => {
    const seeded = [
      { id: 1, similarity: 0.5, text: "far-ish" },
      { id: 2, similarity: 0.95, text: "closest" },
      { id: 3, similarity: 0.2, text: "below threshold" },
      { id: 4, similarity: 0.8, text: "close" },
      { id: 5, similarity: 0.4, text: "fourth, over the limit" },
    ];
    for (const pair of seeded) {
      await suite.db.query(
        "INSERT INTO zoomer_bot.translation_pairs (source_channel_id, source_message_id, source_text, translation_text, embedding, embedding_model) VALUES ($1, $2, $3, $4, $5, $6)",
        [SOURCE.id, pair.id, `src ${pair.text}`, `tr ${pair.text}`, at(pair.similarity, pair.id), "text-embedding-3-small"],
      );
    }
    // A pair of another embedding model never compares, however close.
    await suite.db.query(
      "INSERT INTO zoomer_bot.translation_pairs (source_channel_id, source_message_id, source_text, translation_text, embedding, embedding_model) VALUES ($1, 6, 'src other model', 'tr other model', $2, 'other-model')",
      [SOURCE.id, at(1, 1)],
    );
    suite.embeddings.vectors.set("the new post", at(1, 1));
    const test = await startBot();
    test.adapter.deliver(channels.post(200, "the new post"));
    await test.bot.queue.idle();

    const body = suite.anthropic.messageBodies.at(-1)!;
    expect(body.messages).toEqual([
      { role: "user", content: "src far-ish" },
      { role: "assistant", content: "tr far-ish" },
      { role: "user", content: "src close" },
      { role: "assistant", content: "tr close" },
      { role: "user", content: "src closest" },
      { role: "assistant", content: "tr closest" },
      { role: "user", content: "the new post" },
    ]);
    const found = events(test.lines, "memories_found")[0]!;
    expect(found).toMatchObject({ memoriesFound: 3, avgSimilarity: expect.closeTo((0.95 + 0.8 + 0.5) / 3, 4), topSimilarity: expect.closeTo(0.95, 4) });
  });

  it("recalls a pair saved a moment ago by the same run", async () => {
    const test = await startBot();
    test.adapter.deliver(channels.post(301, "Rain expected in Berlin tomorrow"));
    await test.bot.queue.idle();
    test.adapter.deliver(channels.post(302, "Rain expected in Berlin on Friday"));
    await test.bot.queue.idle();
    const second = suite.anthropic.messageBodies.at(-1)!;
    expect(second.messages).toEqual([
      { role: "user", content: "Rain expected in Berlin tomorrow" },
      { role: "assistant", content: "EN: Rain expected in Berlin tomorrow" },
      { role: "user", content: "Rain expected in Berlin on Friday" },
    ]);
  });
});

describe("exactly once", () => {
  it("posts a post delivered twice, or caught up again, once", async () => {
    const test = await startBot();
    const post = channels.post(401, "Twice told");
    test.adapter.deliver(post);
    test.adapter.deliver(post);
    await test.bot.queue.idle();
    await test.bot.catchUp();
    test.adapter.deliver(post);
    await test.bot.queue.idle();
    expect(channels.copiesOf(post.link)).toHaveLength(1);
    expect(suite.anthropic.requestsTo("/v1/messages")).toHaveLength(1);
    expect(test.lines.filter((line) => line.msg === "duplicate delivery ignored")).toHaveLength(2);
  });

  it("a crash after translating, before the send: the next run sends it once, without translating again", async () => {
    const first = await buildTestBot(suite, channels);
    const crash = new AbortController();
    channels.onCrash = () => crash.abort(new Error("process killed"));
    channels.publishHooks.push("crash-before-send");
    const post = channels.post(501, "Crash me softly");
    expect(await first.bot.pipeline.process(post, crash.signal)).toBe("left");
    expect(await row(501)).toMatchObject({ state: "posting", translation_text: "EN: Crash me softly" });
    expect(channels.destination).toHaveLength(0);
    await first.bot.pool.end(); // the dead process's connections go away

    const second = await startBot();
    await second.bot.queue.idle();
    expect(channels.copiesOf(post.link)).toHaveLength(1);
    expect(suite.anthropic.requestsTo("/v1/messages")).toHaveLength(1);
    expect(await row(501)).toMatchObject({ state: "posted", destination_message_id: "1" });
  });

  it("a crash after the send, before recording it: the next run finds the copy and does not send again", async () => {
    const first = await buildTestBot(suite, channels);
    const crash = new AbortController();
    channels.onCrash = () => crash.abort(new Error("process killed"));
    channels.publishHooks.push("crash-after-send");
    const post = channels.post(502, "Sent but not noted");
    expect(await first.bot.pipeline.process(post, crash.signal)).toBe("left");
    expect(await row(502)).toMatchObject({ state: "posting" });
    expect(channels.copiesOf(post.link)).toHaveLength(1);
    await first.bot.pool.end();

    const second = await startBot();
    await second.bot.queue.idle();
    expect(channels.copiesOf(post.link)).toHaveLength(1);
    expect(await row(502)).toMatchObject({ state: "posted", destination_message_id: "1" });
    expect(second.lines.map((line) => line.msg)).toContain("already published before the restart; recorded, not sent again");
  });

  it("a send that fails is looked for before it is tried again, and posted once", async () => {
    channels.publishHooks.push("fail");
    const test = await startBot();
    test.adapter.deliver(channels.post(503, "Flaky destination"));
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(1);
    expect(await row(503)).toMatchObject({ state: "posted" });
    expect(test.sleeps).toEqual([1_000]);
  });

  it("a destination that refuses every send: recorded as failed with the reason", async () => {
    channels.publishHooks.push("fail", "fail", "fail");
    const test = await startBot();
    test.adapter.deliver(channels.post(504, "Nobody may write here"));
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(0);
    const recorded = await row(504);
    expect(recorded?.state).toBe("failed");
    expect(recorded?.last_error).toMatch(/CHAT_WRITE_FORBIDDEN \(fake\).*after 3 attempts/);
  });
});

describe("API faults", () => {
  it("429 with retry-after, 529 overloaded and 500 are waited out with backoff, then the post goes through", async () => {
    suite.anthropic.failNext("/v1/messages", { status: 429, type: "rate_limit_error", retryAfter: 7 });
    suite.anthropic.failNext("/v1/messages", { status: 529, type: "overloaded_error" });
    suite.anthropic.failNext("/v1/messages", { status: 500, type: "api_error" });
    const test = await startBot();
    test.adapter.deliver(channels.post(601, "Patience"));
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(1);
    expect(test.sleeps).toEqual([7_000, 2_000, 4_000]);
    expect(await row(601)).toMatchObject({ state: "posted", attempts: 4 });
    expect(events(test.lines, "api_error").map((line) => [line.status, line.errorType, line.attempt, line.retryInMs])).toEqual([
      [429, "rate_limit_error", 1, 7_000],
      [529, "overloaded_error", 2, 2_000],
      [500, "api_error", 3, 4_000],
    ]);
    expect(events(test.lines, "api_error").every((line) => typeof line.requestId === "string" && String(line.requestId).startsWith("req_"))).toBe(true);
  });

  it("an API that stays overloaded: retried with backoff, then recorded as failed with its reason, never dropped", async () => {
    suite.anthropic.failNext("/v1/messages", { status: 529, type: "overloaded_error", message: "Overloaded" }, 4);
    const test = await startBot();
    const post = channels.post(602, "Doomed");
    test.adapter.deliver(post);
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(0);
    expect(test.sleeps).toEqual([1_000, 2_000, 4_000]);
    const recorded = await row(602);
    expect(recorded).toMatchObject({ state: "failed", attempts: 4 });
    expect(recorded?.last_error).toMatch(/^anthropic: HTTP 529 overloaded_error: Overloaded \(request req_[0-9a-f]+\) \(after 4 attempts\)$/);
    expect(events(test.lines, "translation_failed")[0]).toMatchObject({ level: "error", attempts: 4, messageId: 602 });
    // A failed post is final: delivering it again does not retry it behind the operator's back.
    test.adapter.deliver(post);
    await test.bot.queue.idle();
    expect(suite.anthropic.requestsTo("/v1/messages")).toHaveLength(4);
  });

  it("a wrong key fails at once as an authentication failure, without retries", async () => {
    const test = await startBot({ env: suite.env({ ANTHROPIC_API_KEY: "sk-ant-wrong" }) });
    test.adapter.deliver(channels.post(603, "Locked out"));
    await test.bot.queue.idle();
    expect(test.sleeps).toEqual([]);
    expect(await row(603)).toMatchObject({ state: "failed", attempts: 1 });
    expect(events(test.lines, "authentication_failed")[0]).toMatchObject({ api: "anthropic", status: 401, errorType: "authentication_error" });
    expect(JSON.stringify(test.lines)).not.toContain("sk-ant-wrong");
  });

  it("a translation cut off at the token limit is failed, not posted half", async () => {
    suite.anthropic.stopReason = "max_tokens";
    const test = await startBot();
    test.adapter.deliver(channels.post(604, "A very long post"));
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(0);
    expect((await row(604))?.last_error).toMatch(/cut off at the model's token limit/);
  });

  it("embeddings unavailable: the post is translated without memory (TM recall failed), its pair not saved", async () => {
    suite.embeddings.failNext("/v1/embeddings", { status: 503, type: "server_error" }, 2);
    const test = await startBot();
    test.adapter.deliver(channels.post(605, "No memory today"));
    await test.bot.queue.idle();
    expect(channels.destination).toHaveLength(1);
    expect(events(test.lines, "tm_recall_failed")).toHaveLength(1);
    expect(events(test.lines, "pair_not_saved")).toHaveLength(1);
    const { rows } = await suite.db.query("SELECT count(*)::int AS n FROM zoomer_bot.translation_pairs");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it("embeddings rate-limited once: waited out, memory used", async () => {
    suite.embeddings.failNext("/v1/embeddings", { status: 429, type: "rate_limit_exceeded", retryAfter: 3 });
    const test = await startBot();
    test.adapter.deliver(channels.post(606, "Memory after a pause"));
    await test.bot.queue.idle();
    expect(test.sleeps).toEqual([3_000]);
    expect(events(test.lines, "pair_saved")).toHaveLength(1);
  });
});

describe("restarts and shutdown", () => {
  it("catches up, in order, on posts that arrived while the bot was down", async () => {
    const first = await startBot();
    first.adapter.deliver(channels.post(701, "Before the outage"));
    await first.bot.queue.idle();
    await stopBot(first);
    channels.post(702, "During the outage, one");
    channels.post(703, "During the outage, two");

    const second = await startBot();
    await second.bot.queue.idle();
    expect(channels.destination.map((message) => message.text.split("\n")[0])).toEqual([
      "EN: Before the outage",
      "EN: During the outage, one",
      "EN: During the outage, two",
    ]);
  });

  it("on SIGTERM the post in hand is left recorded (and the queued ones too) and the next run posts each once", async () => {
    suite.anthropic.stall("/v1/messages");
    const first = await startBot({ stopGraceMs: 100 });
    first.adapter.deliver(channels.post(801, "In hand at shutdown"));
    first.adapter.deliver(channels.post(802, "Queued at shutdown"));
    await expect.poll(() => suite.anthropic.requestsTo("/v1/messages").length).toBe(1);
    await stopBot(first);
    expect(first.lines.map((line) => line.msg)).toContain("shutting down: post left for the next run");
    expect(await row(801)).toMatchObject({ state: "pending" });
    expect(await row(802)).toMatchObject({ state: "pending" });
    expect(first.adapter.stopped).toBe(true);

    suite.anthropic.resume("/v1/messages");
    const second = await startBot();
    await second.bot.queue.idle();
    expect(channels.destination.map((message) => message.text.split("\n")[0])).toEqual(["EN: In hand at shutdown", "EN: Queued at shutdown"]);
    expect(await row(801)).toMatchObject({ state: "posted" });
  });

  it("on SIGTERM a post that finishes within the grace period is posted before exit", async () => {
    const test = await startBot({ stopGraceMs: 10_000 });
    test.adapter.deliver(channels.post(803, "Quick one"));
    await stopBot(test);
    expect(channels.destination).toHaveLength(1);
    expect(await row(803)).toMatchObject({ state: "posted" });
  });
});
