/**
 * Anthropic's Messages API over fetch. The version header is pinned to the
 * documented stable version on purpose: newer default versions refuse
 * sampling parameters, and the bot sends none (no temperature, top_p, top_k).
 */
import { z } from "zod";
import { requestJson, type ErrorReader, type Fetch } from "../http/json-api.js";

export const ANTHROPIC_VERSION = "2023-06-01";

export interface AnthropicOptions {
  /** Without a trailing slash and without `/v1`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  /** Longest answer, in tokens. @default 4096 (a Telegram post is at most 4096 characters) */
  readonly maxTokens?: number;
  /** @default 120 s */
  readonly timeoutMs?: number;
  readonly fetch?: Fetch;
}

export interface ChatMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

export interface Completion {
  readonly id: string;
  readonly text: string;
  /** `end_turn`, `max_tokens`, … */
  readonly stopReason: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

const messageSchema = z.object({
  id: z.string(),
  type: z.literal("message"),
  role: z.literal("assistant"),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  model: z.string(),
  stop_reason: z.string().nullable(),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number() }),
});

const modelSchema = z.looseObject({ id: z.string(), type: z.literal("model"), display_name: z.string().optional() });

const errorBodySchema = z.object({ error: z.object({ type: z.string().optional(), message: z.string().optional() }) });

export const ANTHROPIC_ERRORS: ErrorReader = {
  api: "anthropic",
  requestIdHeader: "request-id",
  read: (body) => {
    const parsed = errorBodySchema.safeParse(body);
    return parsed.success ? parsed.data.error : {};
  },
};

export class AnthropicClient {
  readonly #options: AnthropicOptions;

  constructor(options: AnthropicOptions) {
    this.#options = options;
  }

  get model(): string {
    return this.#options.model;
  }

  #headers(): Record<string, string> {
    return { "x-api-key": this.#options.apiKey, "anthropic-version": ANTHROPIC_VERSION };
  }

  /** One completion; throws ApiError on any failure, including an answer with no text. */
  async complete(system: string, messages: readonly ChatMessage[], signal?: AbortSignal): Promise<Completion> {
    const answer = await requestJson(
      {
        url: `${this.#options.baseUrl}/v1/messages`,
        method: "POST",
        headers: this.#headers(),
        body: { model: this.#options.model, max_tokens: this.#options.maxTokens ?? 4096, system, messages },
        signal,
        timeoutMs: this.#options.timeoutMs ?? 120_000,
        fetch: this.#options.fetch ?? globalThis.fetch,
      },
      messageSchema,
      ANTHROPIC_ERRORS,
    );
    const text = answer.content.flatMap((block) => (block.type === "text" && block.text !== undefined ? [block.text] : [])).join("");
    return { id: answer.id, text, stopReason: answer.stop_reason, inputTokens: answer.usage.input_tokens, outputTokens: answer.usage.output_tokens };
  }

  /** The configured model as the API knows it (reachability and key check, no tokens spent). */
  async describeModel(signal?: AbortSignal): Promise<{ id: string; displayName: string | undefined }> {
    const model = await requestJson(
      {
        url: `${this.#options.baseUrl}/v1/models/${encodeURIComponent(this.#options.model)}`,
        method: "GET",
        headers: this.#headers(),
        signal,
        timeoutMs: this.#options.timeoutMs ?? 10_000,
        fetch: this.#options.fetch ?? globalThis.fetch,
      },
      modelSchema,
      ANTHROPIC_ERRORS,
    );
    return { id: model.id, displayName: model.display_name };
  }
}
