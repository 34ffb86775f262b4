/** An OpenAI-compatible embeddings API (`POST {base}/embeddings`) over fetch. */
import { z } from "zod";
import { ApiError } from "../http/api-error.js";
import { requestJson, type ErrorReader, type Fetch } from "../http/json-api.js";

export interface EmbeddingsOptions {
  /** Ends in `/v1` for OpenAI, without a trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  /** @default 30 s */
  readonly timeoutMs?: number;
  readonly fetch?: Fetch;
}

const answerSchema = z.object({
  data: z.array(z.looseObject({ index: z.number().int().min(0), embedding: z.array(z.number()).min(1) })),
  model: z.string().optional(),
});

const errorBodySchema = z.object({ error: z.object({ type: z.string().nullish(), code: z.string().nullish(), message: z.string().optional() }) });

export const EMBEDDINGS_ERRORS: ErrorReader = {
  api: "embeddings",
  requestIdHeader: "x-request-id",
  read: (body) => {
    const parsed = errorBodySchema.safeParse(body);
    if (!parsed.success) return {};
    return { type: parsed.data.error.code ?? parsed.data.error.type ?? undefined, message: parsed.data.error.message };
  },
};

export class EmbeddingsClient {
  readonly #options: EmbeddingsOptions;

  constructor(options: EmbeddingsOptions) {
    this.#options = options;
  }

  get model(): string {
    return this.#options.model;
  }

  /** One vector per input, in input order. */
  async embed(inputs: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const answer = await requestJson(
      {
        url: `${this.#options.baseUrl}/embeddings`,
        method: "POST",
        headers: { authorization: `Bearer ${this.#options.apiKey}` },
        body: { model: this.#options.model, input: inputs, encoding_format: "float" },
        signal,
        timeoutMs: this.#options.timeoutMs ?? 30_000,
        fetch: this.#options.fetch ?? globalThis.fetch,
      },
      answerSchema,
      EMBEDDINGS_ERRORS,
    );
    const vectors = [...answer.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    const dimensions = new Set(vectors.map((vector) => vector.length));
    if (vectors.length !== inputs.length || dimensions.size > 1) {
      throw new ApiError({
        api: "embeddings",
        status: 200,
        errorType: "invalid_response",
        message: `asked for ${inputs.length} embedding(s), got ${vectors.length} of dimensions ${[...dimensions].join(", ")}`,
      });
    }
    return vectors;
  }
}
