/**
 * OpenAI's chat completions (`POST <base>/chat/completions`, or any
 * compatible server) asked for structured output: a JSON schema in
 * `response_format` (strict), the answer's `choices[0].message.content`
 * parsed and validated with zod. 429 and 5xx are retried (Retry-After and
 * retry-after-ms honoured) except 429 `insufficient_quota`, which waiting does
 * not cure. A refusal, a cut-off answer (`finish_reason: "length"`) or one
 * that does not match the schema is a BatchProblem: the caller may split the
 * batch and try smaller.
 */
import { z } from "zod";
import { UpstreamRejected, UpstreamUnavailable, type HttpAnswer, type ResilientClient } from "../http/resilient-request.js";

/** The model could not answer this batch well; a smaller batch may work. */
export class BatchProblem extends Error {
  constructor(reason: string) {
    super(`OpenAI's answer cannot be used: ${reason}`);
    this.name = "BatchProblem";
  }
}

export interface StructuredRequest<T> {
  /** The schema's name in `response_format` (`^[a-zA-Z0-9_-]+$`). */
  readonly name: string;
  /** JSON schema in the subset strict mode accepts: every property required, no additional ones. */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** Validates what the model returned. */
  readonly parse: z.ZodType<T>;
  readonly system: string;
  readonly user: string;
}

export interface ChatSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
}

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
});

const errorSchema = z.object({
  error: z.object({ message: z.string().optional(), type: z.string().nullable().optional(), code: z.string().nullable().optional() }),
});

function errorOf(answer: HttpAnswer): z.infer<typeof errorSchema>["error"] | undefined {
  try {
    const parsed = errorSchema.safeParse(JSON.parse(answer.text));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

/** Out of credit: retrying cannot help. */
const isQuotaExhausted = (answer: HttpAnswer) => answer.status === 429 && errorOf(answer)?.code === "insufficient_quota";

const retryable = (answer: HttpAnswer) =>
  !isQuotaExhausted(answer) && (answer.status === 408 || answer.status === 409 || answer.status === 429 || answer.status >= 500);

/** What a refusal says, without anything that could carry the key (a 401's message quotes part of it). */
function rejectionDetail(answer: HttpAnswer): string {
  const error = errorOf(answer);
  const code = error?.code ?? error?.type ?? "no error code";
  if (answer.status === 401 || answer.status === 403) return `${code}: check OPENAI_API_KEY`;
  if (isQuotaExhausted(answer)) return `${code}: the account has no credit left`;
  return error?.message ? `${code}: ${error.message.slice(0, 200)}` : code;
}

export class ChatClient {
  readonly #client: ResilientClient;
  readonly #settings: ChatSettings;

  constructor(client: ResilientClient, settings: ChatSettings) {
    this.#client = client;
    this.#settings = settings;
  }

  get model(): string {
    return this.#settings.model;
  }

  async structured<T>(request: StructuredRequest<T>, signal?: AbortSignal): Promise<T> {
    const body = {
      model: this.#settings.model,
      temperature: 0,
      messages: [
        { role: "system", content: request.system },
        { role: "user", content: request.user },
      ],
      response_format: { type: "json_schema", json_schema: { name: request.name, strict: true, schema: request.jsonSchema } },
    };
    const answer = await this.#client.request(
      `${this.#settings.baseUrl}/chat/completions`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${this.#settings.apiKey}`, "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      },
      { signal, retryable },
    );
    if (answer.status !== 200) throw new UpstreamRejected("OpenAI", answer.status, rejectionDetail(answer));
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      throw new UpstreamUnavailable("OpenAI", "the answer is not JSON");
    }
    const completion = completionSchema.safeParse(parsed);
    if (!completion.success) throw new UpstreamUnavailable("OpenAI", "the answer is not a chat completion");
    const choice = completion.data.choices[0]!;
    if (choice.message.refusal) throw new BatchProblem("the model refused");
    if (choice.finish_reason === "length") throw new BatchProblem("the answer was cut off at the token limit");
    if (!choice.message.content) throw new BatchProblem("the answer is empty");
    let content: unknown;
    try {
      content = JSON.parse(choice.message.content);
    } catch {
      throw new BatchProblem("the answer's content is not JSON");
    }
    const result = request.parse.safeParse(content);
    if (!result.success) throw new BatchProblem(`the answer does not match the ${request.name} schema`);
    return result.data;
  }
}
