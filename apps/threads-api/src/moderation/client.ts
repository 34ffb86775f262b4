/**
 * Toxicity through an OpenAI-compatible moderation endpoint
 * (`POST <OPENAI_BASE_URL>/moderations`, a batch of texts per call). 429
 * waits out Retry-After when short, 5xx and network failures are retried a
 * few times; after that the texts stay unscored and the next run tries again.
 */
import { z } from "zod";
import { retryAfterMs } from "../shared/http/retry.js";
import type { CategoryScores } from "../scoring/toxicity.js";

export interface ModerationSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
}

export interface ModerationHttp {
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default 3 */
  readonly maxAttempts?: number;
  /** A 429 asking for a longer wait gives up at once. @default 10_000 */
  readonly maxRetryWaitMs?: number;
  /** @default 30_000 */
  readonly timeoutMs?: number;
}

/** Texts per request: small enough for one answer to come back quickly. */
export const MODERATION_BATCH = 32;

export class ModerationUnavailable extends Error {
  constructor(
    readonly status: number | undefined,
    reason: string,
  ) {
    super(`moderation API: ${reason}`);
    this.name = "ModerationUnavailable";
  }
}

const answer = z.object({
  results: z.array(z.object({ flagged: z.boolean().optional(), category_scores: z.record(z.string(), z.number()) })),
});

export class ModerationClient {
  constructor(
    private readonly settings: ModerationSettings,
    private readonly http: ModerationHttp,
  ) {}

  /** Category scores for each text, in order (at most MODERATION_BATCH texts). */
  async score(texts: readonly string[]): Promise<CategoryScores[]> {
    if (texts.length === 0) return [];
    if (texts.length > MODERATION_BATCH) throw new Error(`at most ${MODERATION_BATCH} texts per moderation call`);
    const maxAttempts = this.http.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(texts);
      if ("scores" in outcome) return outcome.scores;
      if (!outcome.retryAfterMs || attempt >= maxAttempts) throw outcome.error;
      await this.http.sleep(outcome.retryAfterMs);
    }
  }

  async #attempt(texts: readonly string[]): Promise<{ scores: CategoryScores[] } | { error: ModerationUnavailable; retryAfterMs?: number }> {
    let response: Response;
    try {
      response = await this.http.fetch(`${this.settings.baseUrl}/moderations`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.settings.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: this.settings.model, input: texts }),
        signal: AbortSignal.timeout(this.http.timeoutMs ?? 30_000),
      });
    } catch (error) {
      return { error: new ModerationUnavailable(undefined, `no answer (${error instanceof Error ? error.name : "error"})`), retryAfterMs: 1_000 };
    }
    if (response.ok) {
      const parsed = answer.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success || parsed.data.results.length !== texts.length) {
        return { error: new ModerationUnavailable(response.status, "unexpected answer shape") };
      }
      return { scores: parsed.data.results.map((result) => result.category_scores) };
    }
    await response.body?.cancel();
    if (response.status === 429) {
      // A second when the API does not say how long (or says 0).
      const waitMs = retryAfterMs(response.headers) || 1_000;
      const error = new ModerationUnavailable(429, `rate limited, retry after ${Math.ceil(waitMs / 1000)} s`);
      return waitMs <= (this.http.maxRetryWaitMs ?? 10_000) ? { error, retryAfterMs: waitMs } : { error };
    }
    if (response.status >= 500) return { error: new ModerationUnavailable(response.status, `answered HTTP ${response.status}`), retryAfterMs: 1_000 };
    // 4xx other than 429 (a wrong key, a wrong model): retrying will not help.
    return { error: new ModerationUnavailable(response.status, `refused the request (HTTP ${response.status}); check OPENAI_API_KEY and OPENAI_MODEL`) };
  }
}
