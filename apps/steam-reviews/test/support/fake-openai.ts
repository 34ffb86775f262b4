/**
 * A fake OpenAI-compatible chat API on a real loopback HTTP server:
 * `POST /v1/chat/completions` with the real answer's shape (id, object,
 * choices[].message.{content, refusal}, finish_reason, usage), errors as
 * `{"error":{message,type,param,code}}`, 401 for a wrong key. It reads the
 * batch out of the user message and answers it: translations prefix the text
 * with `[en]`, analyses find sentiment and themes from keywords. Tests
 * queue faults: 429 with Retry-After, insufficient_quota, 5xx, a refusal, a
 * cut-off answer, answers that skip reviews.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeHttpServer, readBody, sendJson } from "../kit/fake-server.js";
import { hasApiKey, invalidApiKey, invalidUrl, openAiError, RATE_LIMITED, SERVER_ERROR } from "../kit/openai.js";

export type OpenAiFault =
  | { readonly kind: "rate-limit"; readonly retryAfter?: string }
  | { readonly kind: "quota" }
  | { readonly kind: "server-error"; readonly status?: number }
  | { readonly kind: "refusal" }
  | { readonly kind: "truncated" }
  | { readonly kind: "skip-first" }
  | { readonly kind: "garbage" };

export interface RecordedCall {
  readonly schema: string;
  readonly ids: readonly string[];
  readonly model: string;
  readonly answered: boolean;
}

interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema?: unknown } };
}

export const FAKE_OPENAI_KEY = "sk-test-0123456789abcdef";

const POSITIVE = /great|love|good|fun|recommend|很好|bom|棒/i;
const NEGATIVE = /bad|boring|crash|плох|вылет/i;
const THEMES: Record<string, RegExp> = { combat: /combat/i, music: /music|音乐/i, performance: /performance|crash|оптимизац|вылет/i, story: /story/i, multiplayer: /multiplayer|friends/i };

export class FakeOpenAi extends FakeHttpServer {
  readonly calls: RecordedCall[] = [];
  readonly #faults: OpenAiFault[] = [];
  /** A batch bigger than this comes back cut off (finish_reason "length"). */
  maxBatchAnswered = Infinity;
  /** Reviews whose text contains this get a refusal when alone in a batch, a cut-off answer otherwise. */
  poison: string | undefined;
  delayMs = 0;

  static async start(): Promise<FakeOpenAi> {
    const fake = new FakeOpenAi();
    await fake.listen();
    return fake;
  }

  /** The base URL, ending in /v1 like OpenAI's. */
  get url(): string {
    return `${this.origin}/v1`;
  }

  failNext(...faults: OpenAiFault[]): void {
    this.#faults.push(...faults);
  }

  /** Ids answered, per schema (a review answered twice shows twice). */
  answeredIds(schema: "review_translations" | "review_analyses"): string[] {
    return this.calls.filter((call) => call.schema === schema && call.answered).flatMap((call) => call.ids);
  }

  protected override async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") return send(response, 404, invalidUrl(request.method, url.pathname));
    if (!hasApiKey(request.headers, FAKE_OPENAI_KEY)) return send(response, 401, invalidApiKey(request.headers));
    const body = JSON.parse(await readBody(request)) as ChatRequest;
    const schema = body.response_format?.json_schema?.name ?? "";
    const user = body.messages.find((message) => message.role === "user")?.content ?? "{}";
    const reviews = (JSON.parse(user) as { reviews: { id: string; text: string; language?: string }[] }).reviews;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const record = (answered: boolean) => this.calls.push({ schema, ids: reviews.map((review) => review.id), model: body.model, answered });

    if (body.response_format?.type !== "json_schema" || body.response_format.json_schema?.strict !== true) {
      record(false);
      return send(response, 400, openAiError("response_format must be a strict json_schema", "invalid_request_error", null, "response_format"));
    }
    const fault = this.#faults.shift();
    if (fault?.kind === "rate-limit") {
      record(false);
      return send(response, 429, RATE_LIMITED, fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
    }
    if (fault?.kind === "quota") {
      record(false);
      return send(response, 429, openAiError("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota"));
    }
    if (fault?.kind === "server-error") {
      record(false);
      return send(response, fault.status ?? 500, SERVER_ERROR);
    }
    const poisoned = this.poison !== undefined && reviews.some((review) => review.text.includes(this.poison!));
    if (fault?.kind === "refusal" || (poisoned && reviews.length === 1)) {
      record(false);
      return send(response, 200, completion(body.model, null, "stop", "I'm sorry, I can't help with that."));
    }
    if (fault?.kind === "truncated" || reviews.length > this.maxBatchAnswered || poisoned) {
      record(false);
      return send(response, 200, completion(body.model, '{"results":[{"id":"', "length"));
    }
    if (fault?.kind === "garbage") {
      record(false);
      return send(response, 200, completion(body.model, '{"unexpected":true}', "stop"));
    }
    const answered = fault?.kind === "skip-first" ? reviews.slice(1) : reviews;
    this.calls.push({ schema, ids: answered.map((review) => review.id), model: body.model, answered: true });
    const content =
      schema === "review_translations"
        ? { translations: answered.map((review) => ({ id: review.id, english: `[en] ${review.text}` })) }
        : { results: answered.map((review) => analyse(review.id, review.text)) };
    send(response, 200, completion(body.model, JSON.stringify(content), "stop"));
  }
}

function analyse(id: string, text: string) {
  const positive = POSITIVE.test(text);
  const negative = NEGATIVE.test(text);
  const sentiment = positive && negative ? "mixed" : positive ? "positive" : negative ? "negative" : "neutral";
  const score = sentiment === "positive" ? 0.8 : sentiment === "negative" ? -0.6 : sentiment === "mixed" ? 0.1 : 0;
  const themes = Object.entries(THEMES).flatMap(([theme, pattern]) => (pattern.test(text) ? [theme.toUpperCase()] : []));
  return { id, sentiment, score, themes };
}

let sequence = 0;
function completion(model: string, content: string | null, finishReason: string, refusal: string | null = null) {
  sequence++;
  return {
    id: `chatcmpl-fake${sequence}`,
    object: "chat.completion",
    created: 1_793_491_200 + sequence,
    model: `${model}-2024-07-18`,
    choices: [{ index: 0, message: { role: "assistant", content, refusal, annotations: [] }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

/** OpenAI's answers carry a request id. */
function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(response, status, body, { "x-request-id": `req_fake${sequence}`, ...headers });
}
