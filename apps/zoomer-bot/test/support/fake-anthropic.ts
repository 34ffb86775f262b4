/**
 * A fake Anthropic Messages API on loopback: the real request checks
 * (x-api-key, anthropic-version, required fields; sampling parameters refused
 * as the newest API version does), the real answer and error shapes
 * (`{"type":"error","error":{"type","message"}}`, `request-id` header, 529
 * overloaded, 429 with retry-after), and GET /v1/models/{id}.
 */
import { FakeApi, type Fault, type RecordedRequest, type Reply } from "../kit/fake-api.js";

export const ANTHROPIC_KEY = "sk-ant-test-key-0123456789";

interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  system?: unknown;
  messages?: Array<{ role: string; content: string }>;
  temperature?: unknown;
  top_p?: unknown;
  top_k?: unknown;
}

/** The default "translation": the post's markup with a marker in front, tags untouched. */
export const fakeTranslate = (markup: string) => `EN: ${markup}`;

export class FakeAnthropic extends FakeApi {
  protected readonly requestIdHeader = "request-id";
  /** How the fake translates the last user message (markup in, markup out). */
  translate: (markup: string) => string = fakeTranslate;
  /** Answers with this stop reason (e.g. max_tokens) when set. */
  stopReason = "end_turn";
  readonly models = new Set(["claude-sonnet-4-5"]);

  static async start(): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic();
    await fake.listen();
    return fake;
  }

  get url(): string {
    return this.origin;
  }

  /** The bodies of every /v1/messages request. */
  get messageBodies(): MessagesBody[] {
    return this.requestsTo("/v1/messages").map((request) => request.body as MessagesBody);
  }

  protected errorBody(fault: Fault): unknown {
    return { type: "error", error: { type: fault.type, message: fault.message ?? fault.type.replace(/_/g, " ") } };
  }

  protected answer(request: RecordedRequest): Reply {
    if (request.headers["x-api-key"] !== ANTHROPIC_KEY) return this.#error(401, "authentication_error", "invalid x-api-key");
    if (request.headers["anthropic-version"] === undefined) return this.#error(400, "invalid_request_error", "anthropic-version: header is required");
    const model = /^\/v1\/models\/(.+)$/.exec(request.path);
    if (request.method === "GET" && model) {
      const id = decodeURIComponent(model[1]!);
      return this.models.has(id)
        ? { status: 200, body: { type: "model", id, display_name: "Claude (fake)", created_at: "2025-09-29T00:00:00Z" } }
        : this.#error(404, "not_found_error", `model: ${id}`);
    }
    if (request.method !== "POST" || request.path !== "/v1/messages") return this.#error(404, "not_found_error", "Not found");
    const body = request.body as MessagesBody;
    for (const parameter of ["temperature", "top_p", "top_k"] as const) {
      if (body[parameter] !== undefined) return this.#error(400, "invalid_request_error", `${parameter}: not supported by this API version`);
    }
    if (typeof body.model !== "string" || typeof body.max_tokens !== "number" || !Array.isArray(body.messages) || body.messages.length === 0) {
      return this.#error(400, "invalid_request_error", "model, max_tokens and messages are required");
    }
    const last = body.messages.at(-1)!;
    if (last.role !== "user") return this.#error(400, "invalid_request_error", "the last message must be the user's");
    const text = this.translate(last.content);
    return {
      status: 200,
      body: {
        id: `msg_${this.requests.length}`,
        type: "message",
        role: "assistant",
        model: body.model,
        content: [{ type: "text", text }],
        stop_reason: this.stopReason,
        stop_sequence: null,
        usage: { input_tokens: JSON.stringify(body.messages).length, output_tokens: text.length },
      },
    };
  }

  #error(status: number, type: string, message: string): Reply {
    return { status, body: this.errorBody({ status, type, message }) };
  }
}
