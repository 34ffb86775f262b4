/**
 * A fake OpenAI-compatible moderation API (`POST /v1/moderations`) on a real
 * loopback server, answering in the real shape: one result per input with
 * `flagged`, `categories` (booleans) and `category_scores` (0–1) for every
 * category. Scores are deterministic: words from a few lists score high in
 * their category, anything else stays low; tests may fix a text's scores.
 * Faults as OpenAI sends them: 401 without the key, 429 with Retry-After,
 * 5xx.
 *
 * Self-contained on purpose (nothing from test/kit): fake-threads-cli ships
 * it to other apps' tests, and threads-web runs it from a copy of threads-api
 * and apps/shared alone.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/intent",
  "self-harm/instructions",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
] as const;

/** Words that make the fake score a category high. */
const WORD_SCORES: ReadonlyArray<readonly [RegExp, string, number]> = [
  [/\bidiot\b/i, "harassment", 0.93],
  [/\bhate\b/i, "hate", 0.86],
  [/\bkill\b/i, "violence", 0.91],
  [/\bstupid\b/i, "harassment", 0.71],
];

export interface FakeModerationOptions {
  readonly apiKey: string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

interface Fault {
  readonly status: number;
  readonly retryAfterSeconds?: number;
}

/** A low, stable score for text with none of the words. */
function baseline(text: string, category: string): number {
  const digest = createHash("sha256").update(`${category}\u0000${text}`).digest();
  return Math.round((digest.readUInt16BE(0) / 65_535) * 0.05 * 1e4) / 1e4;
}

export function fakeScores(text: string): Record<string, number> {
  const scores: Record<string, number> = Object.fromEntries(CATEGORIES.map((category) => [category, baseline(text, category)]));
  for (const [pattern, category, score] of WORD_SCORES) if (pattern.test(text)) scores[category] = Math.max(scores[category] ?? 0, score);
  return scores;
}

export class FakeModeration {
  /** Every request body's inputs, in order. */
  readonly batches: string[][] = [];
  readonly #options: FakeModerationOptions;
  readonly #server: Server;
  readonly #faults: Fault[] = [];
  readonly #fixed = new Map<string, Record<string, number>>();
  #url = "";

  private constructor(options: FakeModerationOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => send(response, 500, { error: { message: String(error), type: "server_error", param: null, code: null } }));
    });
  }

  static async start(options: FakeModerationOptions): Promise<FakeModeration> {
    const fake = new FakeModeration(options);
    await new Promise<void>((resolve) => fake.#server.listen(options.port ?? 0, "127.0.0.1", resolve));
    fake.#url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}/v1`;
    return fake;
  }

  /** The base URL, like OPENAI_BASE_URL (ends in /v1). */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The next `count` requests answer `status` (429 carries Retry-After). */
  failNext(status: number, count = 1, retryAfterSeconds?: number): void {
    for (let index = 0; index < count; index++) this.#faults.push({ status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }

  /** Fixes the category scores of a text (others stay as the word lists say). */
  score(text: string, scores: Record<string, number>): void {
    this.#fixed.set(text, { ...fakeScores(text), ...scores });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "POST" || request.url !== "/v1/moderations") {
      return send(response, 404, { error: { message: `Invalid URL (${request.method} ${request.url})`, type: "invalid_request_error", param: null, code: null } });
    }
    if (request.headers.authorization !== `Bearer ${this.#options.apiKey}`) {
      return send(response, 401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    }
    const fault = this.#faults.shift();
    if (fault) {
      if (fault.status === 429) {
        return send(response, 429, { error: { message: "Rate limit reached for requests", type: "requests", param: null, code: "rate_limit_exceeded" } }, {
          "retry-after": String(fault.retryAfterSeconds ?? 1),
        });
      }
      return send(response, fault.status, { error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } });
    }
    let body: { model?: unknown; input?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return send(response, 400, { error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", param: null, code: null } });
    }
    const inputs = typeof body.input === "string" ? [body.input] : Array.isArray(body.input) && body.input.every((item) => typeof item === "string") ? (body.input as string[]) : undefined;
    if (!inputs || typeof body.model !== "string") {
      return send(response, 400, { error: { message: "'input' must be a string or an array of strings; 'model' a string.", type: "invalid_request_error", param: "input", code: null } });
    }
    this.batches.push(inputs);
    return send(response, 200, {
      id: `modr-${createHash("sha256").update(inputs.join("\u0000")).digest("hex").slice(0, 24)}`,
      model: body.model,
      results: inputs.map((text) => {
        const scores = this.#fixed.get(text) ?? fakeScores(text);
        const categories = Object.fromEntries(Object.entries(scores).map(([name, score]) => [name, score >= 0.5]));
        return {
          flagged: Object.values(categories).some(Boolean),
          categories,
          category_scores: scores,
          category_applied_input_types: Object.fromEntries(Object.keys(scores).map((name) => [name, ["text"]])),
        };
      }),
    });
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}
