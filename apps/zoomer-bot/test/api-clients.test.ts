/**
 * The Anthropic and embeddings clients against their fakes: what they send,
 * what they make of answers and errors (429 with Retry-After, 5xx, 529,
 * malformed bodies, no answer), and the backoff that waits them out.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../src/http/api-error.js";
import { backoffDelay, RetriesExhausted, withRetries } from "../src/http/retry.js";
import { retryAfterMs } from "../src/shared/http/retry.js";
import { ANTHROPIC_VERSION, AnthropicClient } from "../src/translation/anthropic.js";
import { EmbeddingsClient } from "../src/translation/embeddings.js";
import { ANTHROPIC_KEY, FakeAnthropic } from "./support/fake-anthropic.js";
import { DIMENSIONS, FakeEmbeddings, OPENAI_KEY } from "./support/fake-embeddings.js";

let anthropic: FakeAnthropic;
let embeddings: FakeEmbeddings;
let garbage: Server;
let garbageUrl: string;

beforeAll(async () => {
  anthropic = await FakeAnthropic.start();
  embeddings = await FakeEmbeddings.start();
  // An API that answers 200 with the wrong shape, or HTML.
  garbage = createServer((request, response) => {
    if (request.url?.includes("html")) {
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html>Bad gateway</html>");
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ data: [{ index: 0, embedding: "nope" }] }));
    }
  });
  await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
  garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await anthropic?.close();
  await embeddings?.close();
  garbage?.closeAllConnections();
  await new Promise((resolve) => garbage?.close(resolve));
});

const claude = (overrides: Partial<ConstructorParameters<typeof AnthropicClient>[0]> = {}) =>
  new AnthropicClient({ baseUrl: anthropic.url, apiKey: ANTHROPIC_KEY, model: "claude-sonnet-4-5", ...overrides });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("Anthropic Messages API", () => {
  it("sends the key, the pinned version, the model and max_tokens, and no sampling parameters", async () => {
    const completion = await claude().complete("be brief", [{ role: "user", content: "<b>hi</b>" }]);
    expect(completion).toMatchObject({ text: "EN: <b>hi</b>", stopReason: "end_turn", outputTokens: 13 });
    const request = anthropic.requestsTo("/v1/messages").at(-1)!;
    expect(request.headers).toMatchObject({ "x-api-key": ANTHROPIC_KEY, "anthropic-version": ANTHROPIC_VERSION, "content-type": "application/json" });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({ model: "claude-sonnet-4-5", max_tokens: 4096, system: "be brief", messages: [{ role: "user", content: "<b>hi</b>" }] });
  });

  it("turns 429, 529 and 5xx answers into retryable errors with the type, request id and Retry-After", async () => {
    anthropic.failNext("/v1/messages", { status: 429, type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit", retryAfter: 12 });
    const limited = await failure(claude().complete("s", [{ role: "user", content: "x" }]));
    expect(limited).toMatchObject({ api: "anthropic", status: 429, errorType: "rate_limit_error", retryAfterMs: 12_000, retryable: true, authentication: false });
    expect(limited.requestId).toMatch(/^req_/);
    expect(limited.message).toMatch(/^anthropic: HTTP 429 rate_limit_error: Number of request tokens .* \(request req_[0-9a-f]+\)$/);

    anthropic.failNext("/v1/messages", { status: 529, type: "overloaded_error" });
    expect(await failure(claude().complete("s", [{ role: "user", content: "x" }]))).toMatchObject({ status: 529, errorType: "overloaded_error", retryable: true });
    anthropic.failNext("/v1/messages", { status: 503, type: "api_error" });
    expect(await failure(claude().complete("s", [{ role: "user", content: "x" }]))).toMatchObject({ status: 503, retryable: true });
  });

  it("a wrong key is an authentication error that is not retried; a bad request is not retried either", async () => {
    const denied = await failure(claude({ apiKey: "sk-ant-nope" }).complete("s", [{ role: "user", content: "x" }]));
    expect(denied).toMatchObject({ status: 401, errorType: "authentication_error", retryable: false, authentication: true });
    expect(denied.message).not.toContain("sk-ant-nope");
    anthropic.failNext("/v1/messages", { status: 400, type: "invalid_request_error", message: "temperature: not supported" });
    expect(await failure(claude().complete("s", [{ role: "user", content: "x" }]))).toMatchObject({ status: 400, retryable: false });
  });

  it("describes the configured model (the check's probe) and says when it is unknown", async () => {
    expect(await claude().describeModel()).toEqual({ id: "claude-sonnet-4-5", displayName: "Claude (fake)" });
    expect(await failure(claude({ model: "claude-nonexistent" }).describeModel())).toMatchObject({ status: 404, errorType: "not_found_error" });
  });

  it("a stalled API hits the deadline (retryable); the caller's abort passes through as it is", async () => {
    anthropic.stall("/v1/messages");
    try {
      expect(await failure(claude({ timeoutMs: 200 }).complete("s", [{ role: "user", content: "x" }]))).toMatchObject({ status: undefined, errorType: "timeout", retryable: true });
      const controller = new AbortController();
      const pending = claude().complete("s", [{ role: "user", content: "x" }], controller.signal);
      const reason = new Error("shutting down");
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    } finally {
      anthropic.resume("/v1/messages");
    }
  });

  it("nobody listening is a retryable network error", async () => {
    const error = await failure(claude({ baseUrl: "http://127.0.0.1:1" }).complete("s", [{ role: "user", content: "x" }]));
    expect(error).toMatchObject({ status: undefined, errorType: "network", retryable: true });
  });
});

describe("embeddings API (OpenAI-compatible)", () => {
  const client = (overrides: Partial<ConstructorParameters<typeof EmbeddingsClient>[0]> = {}) =>
    new EmbeddingsClient({ baseUrl: embeddings.url, apiKey: OPENAI_KEY, model: "text-embedding-3-small", ...overrides });

  it("sends a Bearer key and the model, and returns one vector per input in input order", async () => {
    embeddings.vectors.set("b", [0, 1]);
    embeddings.vectors.set("a", [1, 0]);
    expect(await client().embed(["a", "b"])).toEqual([[1, 0], [0, 1]]);
    const request = embeddings.requestsTo("/v1/embeddings").at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(request.body).toEqual({ model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "float" });
    expect((await client().embed(["something else"]))[0]).toHaveLength(DIMENSIONS);
  });

  it("reads OpenAI's error shape: 429 with Retry-After, 401 bad key", async () => {
    embeddings.failNext("/v1/embeddings", { status: 429, type: "rate_limit_exceeded", message: "Rate limit reached", retryAfter: 2 });
    expect(await failure(client().embed(["x"]))).toMatchObject({ api: "embeddings", status: 429, errorType: "rate_limit_exceeded", retryAfterMs: 2_000 });
    expect(await failure(client({ apiKey: "sk-wrong" }).embed(["x"]))).toMatchObject({ status: 401, errorType: "invalid_api_key", authentication: true });
  });

  it("rejects an answer of the wrong shape, and an HTML error page, with what was wrong", async () => {
    const shape = await failure(client({ baseUrl: garbageUrl }).embed(["x"]));
    expect(shape).toMatchObject({ status: 200, errorType: "invalid_response", retryable: false });
    expect(shape.message).toContain("data.0.embedding");
    const html = await failure(client({ baseUrl: `${garbageUrl}/html` }).embed(["x"]));
    expect(html).toMatchObject({ status: 502, errorType: "http_502", retryable: true });
    expect(html.message).toContain("Bad gateway");
  });
});

describe("backoff", () => {
  const policy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 8_000 };
  const error = (status: number, retryAfter?: number) => new ApiError({ api: "t", status, errorType: "e", message: "m", retryAfterMs: retryAfter });

  it("doubles from the base, honours a longer Retry-After, never waits past the cap", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt, error(503)))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(backoffDelay(policy, 1, error(429, 5_000))).toBe(5_000);
    expect(backoffDelay(policy, 1, error(429, 60_000))).toBe(8_000);
  });

  it("reads Retry-After as seconds, as a date, and retry-after-ms", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "7" }))).toBe(7_000);
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }), Date.parse("2026-01-01T00:00:00Z"))).toBe(30_000);
    expect(retryAfterMs(new Headers({ "retry-after-ms": "1500", "retry-after": "9" }))).toBe(1_500);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
  });

  it("retries retryable errors until they stop or the attempts run out, and never retries the others", async () => {
    const waits: number[] = [];
    const hooks = { sleep: async (ms: number) => void waits.push(ms) };
    let calls = 0;
    expect(await withRetries(async () => (++calls < 3 ? Promise.reject(error(529)) : "ok"), policy, hooks)).toBe("ok");
    expect(waits).toEqual([1_000, 2_000]);

    const exhausted = await withRetries(() => Promise.reject(error(500)), policy, hooks).catch((caught: unknown) => caught);
    expect(exhausted).toBeInstanceOf(RetriesExhausted);
    expect(exhausted).toMatchObject({ attempts: 4, message: "t: HTTP 500 e: m (after 4 attempts)" });

    calls = 0;
    const refused = await withRetries(async () => { calls++; throw error(400); }, policy, hooks).catch((caught: unknown) => caught);
    expect([calls, (refused as RetriesExhausted).attempts]).toEqual([1, 1]);
  });
});
