/**
 * The analyse stage: every review without a sentiment (non-English ones once
 * translated), newest first, in batches, at most `maxReviews` a run.
 */
import { z } from "zod";
import { awaitingAnalysis, countFailures, saveAnalyses, SENTIMENTS, type PendingReview } from "../data/reviews.js";
import { processInBatches, type BatchTally } from "./batches.js";
import type { StageDeps } from "./translate.js";

export const ANALYSIS_BATCH_SIZE = 20;
export const MAX_ANALYSED_CHARS = 2_000;
export const MAX_THEMES = 5;

const SYSTEM = [
  "You analyse Steam game reviews for the game's developers.",
  "For each review give: sentiment (positive, negative, mixed or neutral), score from -1 (very negative) to 1 (very positive),",
  `and up to ${MAX_THEMES} themes: short lowercase noun phrases naming what the review talks about (performance, price, story, bugs, multiplayer…).`,
  "Answer for every review, with the review's id.",
].join(" ");

const theme = z
  .string()
  .transform((value) => value.trim().toLowerCase().replace(/\s+/g, " ").slice(0, 40))
  .pipe(z.string().min(1));

export const analysisAnswer = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      sentiment: z.enum(SENTIMENTS),
      score: z.number().min(-1).max(1),
      themes: z.array(theme).transform((themes) => [...new Set(themes)].slice(0, MAX_THEMES)),
    }),
  ),
});

export const ANALYSIS_JSON_SCHEMA = {
  type: "object",
  properties: {
    results: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          sentiment: { type: "string", enum: [...SENTIMENTS] },
          score: { type: "number" },
          themes: { type: "array", items: { type: "string" } },
        },
        required: ["id", "sentiment", "score", "themes"],
        additionalProperties: false,
      },
    },
  },
  required: ["results"],
  additionalProperties: false,
} as const;

/** What the model reads: the translation when there is one. */
const englishText = (review: PendingReview) => (review.translatedText ?? review.text).slice(0, MAX_ANALYSED_CHARS);

export async function analyseReviews(deps: StageDeps, maxReviews: number): Promise<BatchTally> {
  const pending = await awaitingAnalysis(deps.pool, maxReviews);
  return processInBatches(
    pending,
    ANALYSIS_BATCH_SIZE,
    {
      run: async (batch) => {
        const answer = await deps.chat.structured(
          {
            name: "review_analyses",
            jsonSchema: ANALYSIS_JSON_SCHEMA,
            parse: analysisAnswer,
            system: SYSTEM,
            user: JSON.stringify({ reviews: batch.map((review) => ({ id: review.recommendationId, text: englishText(review) })) }),
          },
          deps.signal,
        );
        const asked = new Set(batch.map((review) => review.recommendationId));
        const answered = answer.results.filter((result) => asked.has(result.id));
        const got = new Set(answered.map((result) => result.id));
        const saved = await saveAnalyses(
          deps.pool,
          answered.map((result) => ({ recommendationId: result.id, sentiment: result.sentiment, score: result.score, themes: result.themes })),
        );
        return { saved, unanswered: batch.filter((review) => !got.has(review.recommendationId)) };
      },
      fail: (items) => countFailures(deps.pool, "analysis", items.map((review) => review.recommendationId)),
    },
    { logger: deps.logger, stage: "analyse", signal: deps.signal },
  );
}
