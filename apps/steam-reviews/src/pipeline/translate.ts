/** The translate stage: non-English reviews without a translation, newest first, in batches, at most `maxReviews` a run. */
import type { Logger } from "pino";
import type pg from "pg";
import { z } from "zod";
import type { ChatClient } from "../openai/chat-client.js";
import { awaitingTranslation, countFailures, saveTranslations, type PendingReview } from "../data/reviews.js";
import { processInBatches, type BatchTally } from "./batches.js";

export const TRANSLATION_BATCH_SIZE = 10;
/** Longest review text sent; Steam allows 8,000 characters, and this bounds a batch's tokens. */
export const MAX_TRANSLATED_CHARS = 4_000;

const SYSTEM = [
  "You translate Steam game reviews into English.",
  "Keep the meaning, tone, slang and gaming terms; translate names of in-game things only when they have a usual English name.",
  "Do not summarise, censor or comment. Return one translation per review, with the review's id.",
].join(" ");

export const translationAnswer = z.object({
  translations: z.array(z.object({ id: z.string(), english: z.string() })),
});

export const TRANSLATION_JSON_SCHEMA = {
  type: "object",
  properties: {
    translations: {
      type: "array",
      items: {
        type: "object",
        properties: { id: { type: "string" }, english: { type: "string" } },
        required: ["id", "english"],
        additionalProperties: false,
      },
    },
  },
  required: ["translations"],
  additionalProperties: false,
} as const;

export interface StageDeps {
  readonly pool: pg.Pool;
  readonly chat: ChatClient;
  readonly logger: Logger;
  readonly signal?: AbortSignal | undefined;
}

export async function translateReviews(deps: StageDeps, maxReviews: number): Promise<BatchTally> {
  const pending = await awaitingTranslation(deps.pool, maxReviews);
  // A review with no words needs no model: its translation is itself.
  const blank = pending.filter((review) => review.text.trim() === "");
  const saved = await saveTranslations(deps.pool, blank.map((review) => ({ recommendationId: review.recommendationId, english: review.text })));
  const tally = await processInBatches(
    pending.filter((review) => review.text.trim() !== ""),
    TRANSLATION_BATCH_SIZE,
    {
      run: async (batch) => {
        const answer = await deps.chat.structured(
          {
            name: "review_translations",
            jsonSchema: TRANSLATION_JSON_SCHEMA,
            parse: translationAnswer,
            system: SYSTEM,
            user: JSON.stringify({
              reviews: batch.map((review) => ({ id: review.recommendationId, language: review.language, text: review.text.slice(0, MAX_TRANSLATED_CHARS) })),
            }),
          },
          deps.signal,
        );
        const asked = new Set(batch.map((review) => review.recommendationId));
        const answered = answer.translations.filter((t) => asked.has(t.id) && t.english.trim() !== "");
        const got = new Set(answered.map((t) => t.id));
        const stored = await saveTranslations(deps.pool, answered.map((t) => ({ recommendationId: t.id, english: t.english })));
        return { saved: stored, unanswered: batch.filter((review) => !got.has(review.recommendationId)) };
      },
      fail: (items: readonly PendingReview[]) => countFailures(deps.pool, "translation", items.map((review) => review.recommendationId)),
    },
    { logger: deps.logger, stage: "translate", signal: deps.signal },
  );
  return { ...tally, saved: tally.saved + saved };
}
