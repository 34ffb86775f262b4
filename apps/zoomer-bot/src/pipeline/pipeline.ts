/**
 * One post from receipt to publication: claim → recall → translate → record
 * (translation and memory pair in one transaction) → posting → publish →
 * posted. Each step is recorded before the next starts, so whatever stops the
 * process, the next run resumes the post where it was and never posts it twice:
 * a post caught in `posting` is first looked for in the destination (every
 * translation carries a link to its source post) and sent only when absent.
 */
import type pg from "pg";
import type { Logger } from "pino";
import type { ChannelAdapter, ChannelPost } from "../channel/adapter.js";
import type { FormattedText } from "../formatting/entities.js";
import { fromMarkup, plainText, toMarkup, trimFormatted } from "../formatting/markup.js";
import { ApiError } from "../http/api-error.js";
import { RetriesExhausted, withRetries, type RetryPolicy } from "../http/retry.js";
import { PairStore } from "../memory/pairs.js";
import { inTransaction } from "../shared/postgres.js";
import type { Recollection, TranslationMemory } from "../memory/translation-memory.js";
import type { AnthropicClient } from "../translation/anthropic.js";
import type { EmbeddingsClient } from "../translation/embeddings.js";
import { buildPrompt } from "../translation/prompt.js";
import { TELEGRAM_TEXT_LIMIT, withSourceLink } from "./outgoing.js";
import { FINAL_STATES, ProcessedMessages, type MessageKey, type ProcessedMessage } from "./processed-messages.js";

/** A translation that retrying cannot fix (cut short, empty, too long to post). */
export class TranslationRejected extends Error {
  override readonly name = "TranslationRejected";
}

export interface RetryPolicies {
  readonly translate: RetryPolicy;
  readonly embed: RetryPolicy;
  readonly publish: RetryPolicy;
}

export const DEFAULT_RETRIES: RetryPolicies = {
  translate: { attempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  embed: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 20_000 },
  publish: { attempts: 4, baseDelayMs: 2_000, maxDelayMs: 30_000 },
};

export interface PipelineOptions {
  readonly pool: pg.Pool;
  readonly adapter: ChannelAdapter;
  readonly memory: TranslationMemory;
  readonly embeddings: EmbeddingsClient;
  readonly anthropic: AnthropicClient;
  readonly style: string;
  readonly sourceLinkLabel: string;
  readonly retries: RetryPolicies;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger: Logger;
}

/** What became of one delivery, for logs and tests. */
export type Outcome = "posted" | "recovered" | "duplicate" | "failed" | "skipped" | "left";

/** The markup a post is stored and translated as. */
export function postMarkup(post: FormattedText): string {
  return toMarkup(post);
}

/** A post rebuilt from its stored row (resuming after a restart). */
export function postFromRow(row: ProcessedMessage): ChannelPost {
  return { ...fromMarkup(row.sourceText), channelId: row.channelId, messageId: row.messageId, link: row.sourceLink, date: row.receivedAt };
}

export class Pipeline {
  readonly #options: PipelineOptions;
  readonly #processed: ProcessedMessages;

  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#processed = new ProcessedMessages(options.pool);
  }

  get processed(): ProcessedMessages {
    return this.#processed;
  }

  /** Records the post as received without working on it (a post still queued at shutdown). */
  async claim(post: ChannelPost): Promise<void> {
    await this.#processed.claim(post, { link: post.link, markup: postMarkup(post) });
  }

  /**
   * Takes one delivery of a post as far as it can go. `signal` aborts the
   * waits and API calls (shutdown): the post is then left in its recorded
   * state for the next run.
   */
  async process(post: ChannelPost, signal: AbortSignal): Promise<Outcome> {
    const key: MessageKey = { channelId: post.channelId, messageId: post.messageId };
    const context = { channelId: post.channelId, messageId: post.messageId };
    const { row, fresh } = await this.#processed.claim(key, { link: post.link, markup: postMarkup(post) });
    if (FINAL_STATES.includes(row.state)) {
      this.#options.logger.info({ ...context, state: row.state }, "duplicate delivery ignored");
      return "duplicate";
    }
    if (!fresh) this.#options.logger.info({ ...context, state: row.state }, "resuming a post a previous run left unfinished");
    const started = performance.now();
    try {
      const outcome = await this.#advance(row, context, signal);
      if (outcome === "posted" || outcome === "recovered") {
        const sessionMs = Math.round(performance.now() - started);
        this.#options.logger.info({ ...context, event: "session_completed", sessionMs, outcome }, `session completed: ${sessionMs}ms`);
      }
      return outcome;
    } catch (error) {
      if (signal.aborted) {
        this.#options.logger.info({ ...context }, "shutting down: post left for the next run");
        return "left";
      }
      throw error;
    }
  }

  async #advance(row: ProcessedMessage, context: Record<string, unknown>, signal: AbortSignal): Promise<Outcome> {
    let translation = row.translationText;
    if (row.state === "pending") {
      const result = await this.#translateAndRemember(row, context, signal);
      if (typeof result !== "string") return result.outcome;
      translation = result;
    }
    if (translation === null) throw new Error(`processed_messages ${row.channelId}/${row.messageId} is ${row.state} without a translation`);
    const resumedWhilePosting = row.state === "posting";
    if (row.state !== "posting") await this.#processed.posting(row);
    return this.#publish(row, translation, resumedWhilePosting, context, signal);
  }

  /** pending → translated (with the memory pair), or failed/skipped. Returns the translation's markup. */
  async #translateAndRemember(row: ProcessedMessage, context: Record<string, unknown>, signal: AbortSignal): Promise<string | { outcome: Outcome }> {
    const { logger } = this.#options;
    const source = plainText(row.sourceText);
    if (source.trim() === "") {
      await this.#processed.skipped(row, "the post has no text to translate");
      logger.info(context, "post without text skipped");
      return { outcome: "skipped" };
    }
    const embedding = await this.#embed(source, context, signal);
    const examples = embedding === undefined ? [] : await this.#recall(embedding, context, signal);

    let attempts = 0;
    let translation: FormattedText;
    try {
      translation = await withRetries(
        async () => {
          attempts++;
          return this.#translate(row.sourceText, examples, signal);
        },
        this.#options.retries.translate,
        {
          sleep: this.#options.sleep,
          signal,
          onRetry: (error, attempt, delayMs) => this.#logApiError(error, { ...context, attempt, retryInMs: delayMs }),
        },
      );
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = error instanceof RetriesExhausted ? error.cause : error;
      if (cause instanceof ApiError) this.#logApiError(cause, { ...context, attempt: attempts, final: true });
      const reason = error instanceof Error ? error.message : String(error);
      await this.#processed.failed(row, reason, attempts);
      logger.error({ ...context, event: "translation_failed", attempts, reason }, "translation failed; recorded as failed");
      return { outcome: "failed" };
    }

    const markup = toMarkup(translation);
    const pairId = await inTransaction(this.#options.pool, async (client) => {
      await new ProcessedMessages(client).translated(row, markup, attempts);
      if (embedding === undefined) return undefined;
      return new PairStore(client).insert({
        sourceChannelId: row.channelId,
        sourceMessageId: row.messageId,
        sourceText: row.sourceText,
        translationText: markup,
        embedding,
        embeddingModel: this.#options.memory.model,
      });
    });
    if (pairId !== undefined && embedding !== undefined) {
      this.#options.memory.stored({ id: pairId, embedding });
      logger.info({ ...context, event: "pair_saved", pairId }, "pair saved");
    } else if (embedding === undefined) {
      logger.warn({ ...context, event: "pair_not_saved" }, "pair not saved: the post has no embedding");
    }
    return markup;
  }

  /** The source's embedding, or undefined when the embeddings API stays unavailable (the post is translated without memory). */
  async #embed(source: string, context: Record<string, unknown>, signal: AbortSignal): Promise<number[] | undefined> {
    try {
      const [embedding] = await withRetries(() => this.#options.embeddings.embed([source], signal), this.#options.retries.embed, {
        sleep: this.#options.sleep,
        signal,
        onRetry: (error, attempt, delayMs) => this.#logApiError(error, { ...context, attempt, retryInMs: delayMs }),
      });
      return embedding;
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = error instanceof RetriesExhausted ? error.cause : error;
      if (cause instanceof ApiError) this.#logApiError(cause, { ...context, final: true });
      this.#options.logger.error({ ...context, event: "tm_recall_failed", err: error }, "TM recall failed: no embedding; translating without memory");
      return undefined;
    }
  }

  async #recall(embedding: number[], context: Record<string, unknown>, signal: AbortSignal): Promise<Recollection[]> {
    try {
      return await this.#options.memory.recall(embedding, context);
    } catch (error) {
      if (signal.aborted) throw error;
      this.#options.logger.error({ ...context, event: "tm_recall_failed", err: error }, "TM recall failed; translating without memory");
      return [];
    }
  }

  async #translate(sourceMarkup: string, examples: readonly Recollection[], signal: AbortSignal): Promise<FormattedText> {
    const prompt = buildPrompt(this.#options.style, examples, sourceMarkup);
    const completion = await this.#options.anthropic.complete(prompt.system, prompt.messages, signal);
    if (completion.stopReason === "max_tokens") throw new TranslationRejected(`the translation was cut off at the model's token limit (${completion.outputTokens} tokens)`);
    const translation = trimFormatted(fromMarkup(completion.text));
    if (translation.text === "") throw new TranslationRejected("the model answered with an empty translation");
    const length = withSourceLink(translation, "https://t.me/x/1", this.#options.sourceLinkLabel).text.length;
    if (length > TELEGRAM_TEXT_LIMIT) throw new TranslationRejected(`the translation is ${length} characters with its link; Telegram posts at most ${TELEGRAM_TEXT_LIMIT}`);
    return translation;
  }

  /** posting → posted: looks for an earlier copy first when resuming, or after a failed send. */
  async #publish(row: ProcessedMessage, translationMarkup: string, lookFirst: boolean, context: Record<string, unknown>, signal: AbortSignal): Promise<Outcome> {
    const { adapter, logger } = this.#options;
    const message = withSourceLink(fromMarkup(translationMarkup), row.sourceLink, this.#options.sourceLinkLabel);
    let look = lookFirst;
    let recovered = false;
    let attempts = 0;
    try {
      const publication = await withRetries(
        async () => {
          attempts++;
          if (look) {
            const earlier = await adapter.findPublished(row.sourceLink).catch((error: unknown) => {
              throw new ApiError({ api: adapter.kind, status: undefined, errorType: "lookup_failed", message: (error as Error).message });
            });
            if (earlier !== undefined) {
              recovered = true;
              return earlier;
            }
          }
          look = true; // a send that failed may still have arrived
          try {
            return await adapter.publish(message);
          } catch (error) {
            throw new ApiError({ api: adapter.kind, status: undefined, errorType: "publish_failed", message: (error as Error).message });
          }
        },
        this.#options.retries.publish,
        { sleep: this.#options.sleep, signal, onRetry: (error, attempt, delayMs) => this.#logApiError(error, { ...context, attempt, retryInMs: delayMs }) },
      );
      await this.#processed.posted(row, publication.messageId);
      if (recovered) logger.info({ ...context, destinationMessageId: publication.messageId }, "already published before the restart; recorded, not sent again");
      else logger.info({ ...context, destinationMessageId: publication.messageId }, "translation posted");
      return recovered ? "recovered" : "posted";
    } catch (error) {
      if (signal.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      await this.#processed.failed(row, reason, 0);
      logger.error({ ...context, event: "publish_failed", attempts, reason }, "posting failed; recorded as failed");
      return "failed";
    }
  }

  #logApiError(error: ApiError, fields: Record<string, unknown>): void {
    const entry = { ...fields, event: error.authentication ? "authentication_failed" : "api_error", api: error.api, status: error.status, errorType: error.errorType, requestId: error.requestId };
    const message = error.authentication ? `Authentication failed: ${error.message}` : `API error: ${error.message}`;
    if (error.authentication || fields.final === true) this.#options.logger.error(entry, message);
    else this.#options.logger.warn(entry, message);
  }
}
