/**
 * reviews and review_days. Every statement that adds reviews or analyses
 * them also moves the per-day counts of review_days, in the same statement,
 * by exactly the rows it changed — so the two never disagree, whoever runs
 * concurrently (the upserts add deltas; their row locks serialise them).
 */
import type { SteamReview } from "../steam/reviews-api.js";
import type { Queryable } from "./tracked-apps.js";

export const SENTIMENTS = ["positive", "negative", "mixed", "neutral"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/** The language Steam gives English reviews; every other one is translated. */
export const ENGLISH = "english";

/** After this many failed attempts a review is no longer sent (a poison review must not cost a call every hour). */
export const MAX_ATTEMPTS = 3;

export interface StoreResult {
  /** Reviews new to the database. */
  readonly stored: number;
  /** Reviews it already had (ON CONFLICT DO NOTHING), duplicates within the batch included. */
  readonly skipped: number;
}

const STORE_SQL = `
WITH incoming AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
    recommendation_id bigint, app_id integer, language text, review_text text, voted_up boolean,
    playtime_forever_minutes integer, playtime_at_review_minutes integer, created_at timestamptz, updated_at timestamptz)
), inserted AS (
  INSERT INTO reviews (recommendation_id, app_id, language, review_text, voted_up, playtime_forever_minutes,
                       playtime_at_review_minutes, created_at, updated_at)
  SELECT recommendation_id, app_id, language, review_text, voted_up, playtime_forever_minutes,
         playtime_at_review_minutes, created_at, updated_at
  FROM incoming
  ON CONFLICT (recommendation_id) DO NOTHING
  RETURNING app_id, created_at, voted_up
), counted AS (
  INSERT INTO review_days AS d (app_id, day, reviews, positive)
  SELECT app_id, (created_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE voted_up)
  FROM inserted GROUP BY 1, 2
  ON CONFLICT (app_id, day) DO UPDATE SET reviews = d.reviews + excluded.reviews, positive = d.positive + excluded.positive
)
SELECT count(*)::int AS stored FROM inserted`;

/** Inserts the reviews it does not have yet, in one statement. */
export async function storeReviews(db: Queryable, reviews: readonly SteamReview[]): Promise<StoreResult> {
  if (reviews.length === 0) return { stored: 0, skipped: 0 };
  const rows = reviews.map((review) => ({
    recommendation_id: review.recommendationId,
    app_id: review.appId,
    language: review.language,
    // Postgres text cannot hold NUL; Steam's text never means one.
    review_text: review.text.replaceAll("\u0000", ""),
    voted_up: review.votedUp,
    playtime_forever_minutes: review.playtimeForeverMinutes,
    playtime_at_review_minutes: review.playtimeAtReviewMinutes,
    created_at: review.createdAt.toISOString(),
    updated_at: review.updatedAt.toISOString(),
  }));
  const { rows: result } = await db.query<{ stored: number }>(STORE_SQL, [JSON.stringify(rows)]);
  const stored = result[0]?.stored ?? 0;
  return { stored, skipped: reviews.length - stored };
}

/** A review waiting for the translator or the analyser. */
export interface PendingReview {
  readonly recommendationId: string;
  readonly language: string;
  readonly text: string;
  /** The English text when it was translated. */
  readonly translatedText: string | null;
}

interface PendingRow {
  recommendation_id: string;
  language: string;
  review_text: string;
  translated_text: string | null;
}

const toPending = (row: PendingRow): PendingReview => ({
  recommendationId: row.recommendation_id,
  language: row.language,
  text: row.review_text,
  translatedText: row.translated_text,
});

/** Non-English reviews without a translation, newest first. */
export async function awaitingTranslation(db: Queryable, limit: number): Promise<PendingReview[]> {
  const { rows } = await db.query<PendingRow>(
    `SELECT recommendation_id, language, review_text, translated_text FROM reviews
     WHERE translated_text IS NULL AND language <> '${ENGLISH}' AND translation_failures < ${MAX_ATTEMPTS}
     ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map(toPending);
}

/** Reviews without analysis whose English text is ready (or whose translation gave up), newest first. */
export async function awaitingAnalysis(db: Queryable, limit: number): Promise<PendingReview[]> {
  const { rows } = await db.query<PendingRow>(
    `SELECT recommendation_id, language, review_text, translated_text FROM reviews
     WHERE analysed_at IS NULL AND analysis_failures < ${MAX_ATTEMPTS}
       AND (language = '${ENGLISH}' OR translated_text IS NOT NULL OR translation_failures >= ${MAX_ATTEMPTS})
     ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map(toPending);
}

export interface Translation {
  readonly recommendationId: string;
  readonly english: string;
}

/** Stores translations of reviews that have none yet; returns how many it stored. */
export async function saveTranslations(db: Queryable, translations: readonly Translation[]): Promise<number> {
  if (translations.length === 0) return 0;
  const result = await db.query(
    `UPDATE reviews r SET translated_text = t.english, translated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS t(id bigint, english text)
     WHERE r.recommendation_id = t.id AND r.translated_text IS NULL`,
    [JSON.stringify(translations.map((t) => ({ id: t.recommendationId, english: t.english.replaceAll("\u0000", "") })))],
  );
  return result.rowCount ?? 0;
}

export interface Analysis {
  readonly recommendationId: string;
  readonly sentiment: Sentiment;
  /** -1 (very negative) … +1 (very positive). */
  readonly score: number;
  readonly themes: readonly string[];
}

const SAVE_ANALYSES_SQL = `
WITH analysed AS (
  UPDATE reviews r SET sentiment = a.sentiment, sentiment_score = a.score, themes = a.themes, analysed_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS a(id bigint, sentiment text, score real, themes text[])
  WHERE r.recommendation_id = a.id AND r.analysed_at IS NULL
  RETURNING r.app_id, r.created_at, r.sentiment, r.sentiment_score
), counted AS (
  INSERT INTO review_days AS d (app_id, day, analysed, sentiment_sum, sentiment_positive, sentiment_negative)
  SELECT app_id, (created_at AT TIME ZONE 'UTC')::date, count(*), sum(sentiment_score),
         count(*) FILTER (WHERE sentiment = 'positive'), count(*) FILTER (WHERE sentiment = 'negative')
  FROM analysed GROUP BY 1, 2
  ON CONFLICT (app_id, day) DO UPDATE SET analysed = d.analysed + excluded.analysed, sentiment_sum = d.sentiment_sum + excluded.sentiment_sum,
    sentiment_positive = d.sentiment_positive + excluded.sentiment_positive, sentiment_negative = d.sentiment_negative + excluded.sentiment_negative
)
SELECT count(*)::int AS saved FROM analysed`;

/** Stores analyses of reviews that have none yet; returns how many it stored. */
export async function saveAnalyses(db: Queryable, analyses: readonly Analysis[]): Promise<number> {
  if (analyses.length === 0) return 0;
  const rows = analyses.map((a) => ({ id: a.recommendationId, sentiment: a.sentiment, score: a.score, themes: a.themes }));
  const { rows: result } = await db.query<{ saved: number }>(SAVE_ANALYSES_SQL, [JSON.stringify(rows)]);
  return result[0]?.saved ?? 0;
}

/** Counts a failed attempt against each review, so one that always fails is given up after MAX_ATTEMPTS. */
export async function countFailures(db: Queryable, stage: "translation" | "analysis", recommendationIds: readonly string[]): Promise<void> {
  if (recommendationIds.length === 0) return;
  const column = stage === "translation" ? "translation_failures" : "analysis_failures";
  await db.query(`UPDATE reviews SET ${column} = ${column} + 1 WHERE recommendation_id = ANY($1::bigint[])`, [recommendationIds]);
}
