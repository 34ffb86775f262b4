/**
 * A fake OpenAI-compatible embeddings API on loopback (POST /v1/embeddings):
 * Bearer key check, the real answer shape (`{"object":"list","data":[{"object":
 * "embedding","index","embedding"}],"model","usage"}`), OpenAI's error shape
 * and `x-request-id`. Vectors come from `vectors` when the test set one for
 * the text, else from a hashed bag of words (similar words, similar vectors).
 */
import { createHash } from "node:crypto";
import { FakeApi, type Fault, type RecordedRequest, type Reply } from "../kit/fake-api.js";
import { hasApiKey, invalidApiKey, invalidUrl, openAiError } from "../kit/openai.js";

export const OPENAI_KEY = "sk-test-openai-key-0123456789";
export const DIMENSIONS = 32;

export function bagOfWords(text: string, dimensions = DIMENSIONS): number[] {
  const vector: number[] = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = createHash("sha256").update(word).digest();
    vector[hash[0]! % dimensions]! += 1;
    vector[hash[1]! % dimensions]! += 0.5;
  }
  if (!vector.some((value) => value !== 0)) vector[0] = 1;
  return vector;
}

export class FakeEmbeddings extends FakeApi {
  protected readonly requestIdHeader = "x-request-id";
  /** Exact vectors for given texts. */
  readonly vectors = new Map<string, number[]>();

  static async start(): Promise<FakeEmbeddings> {
    const fake = new FakeEmbeddings();
    await fake.listen();
    return fake;
  }

  /** The base URL, ending in /v1 like OpenAI's. */
  get url(): string {
    return `${this.origin}/v1`;
  }

  protected errorBody(fault: Fault): unknown {
    return openAiError(fault.message ?? fault.type, fault.type, fault.type);
  }

  protected answer(request: RecordedRequest): Reply {
    if (!hasApiKey(request.headers, OPENAI_KEY)) return { status: 401, body: invalidApiKey(request.headers) };
    if (request.method !== "POST" || request.path !== "/v1/embeddings") return { status: 404, body: invalidUrl(request.method, request.path) };
    const body = request.body as { model?: unknown; input?: unknown };
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    if (typeof body.model !== "string" || !Array.isArray(inputs) || inputs.some((input) => typeof input !== "string" || input === "")) {
      return { status: 400, body: openAiError("'input' must be a non-empty string or array of strings", "invalid_request_error") };
    }
    const data = (inputs as string[]).map((input, index) => ({ object: "embedding", index, embedding: this.vectors.get(input) ?? bagOfWords(input) }));
    return { status: 200, body: { object: "list", data, model: body.model, usage: { prompt_tokens: 8, total_tokens: 8 } } };
  }
}
