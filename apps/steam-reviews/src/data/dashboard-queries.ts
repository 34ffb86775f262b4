/**
 * What the dashboard reads. Every query is one index lookup or range: the
 * per-day counts come from review_days (primary key app_id, day), the recent
 * reviews and themes from reviews_app_created. Bench prints their plans.
 */
import type { Sentiment } from "./reviews.js";
import type { Queryable } from "./tracked-apps.js";

export const GAMES_SQL = `
SELECT t.app_id, t.name, t.active, t.last_fetched_timestamp,
       coalesce(s.reviews, 0)::int AS reviews, coalesce(s.positive, 0)::int AS positive,
       coalesce(s.analysed, 0)::int AS analysed, coalesce(s.sentiment_sum, 0)::float8 AS sentiment_sum
FROM tracked_apps t
LEFT JOIN LATERAL (
  SELECT sum(d.reviews) AS reviews, sum(d.positive) AS positive, sum(d.analysed) AS analysed, sum(d.sentiment_sum) AS sentiment_sum
  FROM review_days d WHERE d.app_id = t.app_id
) s ON true
WHERE t.active OR coalesce(s.reviews, 0) > 0
ORDER BY t.active DESC, t.name, t.app_id`;

export const GAME_SQL = `SELECT app_id, name, active, last_fetched_timestamp FROM tracked_apps WHERE app_id = $1`;

export const DAYS_SQL = `
SELECT day::text AS day, reviews, positive, analysed, sentiment_sum::float8 AS sentiment_sum, sentiment_positive, sentiment_negative
FROM review_days WHERE app_id = $1 ORDER BY review_days.day`;

export const RECENT_REVIEWS_SQL = `
SELECT recommendation_id, language, review_text, translated_text, voted_up, playtime_at_review_minutes,
       playtime_forever_minutes, created_at, sentiment, sentiment_score, themes
FROM reviews WHERE app_id = $1 ORDER BY created_at DESC LIMIT $2`;

/** Themes of the latest analysed reviews: bounded work, however many reviews the game has. */
export const THEMES_SQL = `
SELECT theme, count(*)::int AS mentions
FROM (SELECT themes FROM reviews WHERE app_id = $1 AND analysed_at IS NOT NULL ORDER BY created_at DESC LIMIT $2) latest,
     unnest(latest.themes) AS theme
GROUP BY theme ORDER BY mentions DESC, theme LIMIT 12`;

export const RECENT_REVIEWS_SHOWN = 20;
export const THEME_WINDOW = 500;

export interface GameSummary {
  readonly appId: number;
  readonly name: string;
  readonly active: boolean;
  readonly lastFetchedAt: Date | null;
  readonly reviews: number;
  readonly positive: number;
  readonly analysed: number;
  readonly sentimentSum: number;
}

export interface DayCounts {
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  readonly reviews: number;
  readonly positive: number;
  readonly analysed: number;
  readonly sentimentSum: number;
  readonly sentimentPositive: number;
  readonly sentimentNegative: number;
}

export interface RecentReview {
  readonly recommendationId: string;
  readonly language: string;
  readonly text: string;
  readonly translatedText: string | null;
  readonly votedUp: boolean;
  readonly playtimeAtReviewMinutes: number | null;
  readonly playtimeForeverMinutes: number;
  readonly createdAt: Date;
  readonly sentiment: Sentiment | null;
  readonly sentimentScore: number | null;
  readonly themes: readonly string[];
}

export interface ThemeCount {
  readonly theme: string;
  readonly mentions: number;
}

export interface GameDashboard {
  readonly game: Omit<GameSummary, "reviews" | "positive" | "analysed" | "sentimentSum">;
  readonly days: readonly DayCounts[];
  readonly recent: readonly RecentReview[];
  readonly themes: readonly ThemeCount[];
}

export async function listGames(db: Queryable): Promise<GameSummary[]> {
  const { rows } = await db.query<{
    app_id: number;
    name: string;
    active: boolean;
    last_fetched_timestamp: Date | null;
    reviews: number;
    positive: number;
    analysed: number;
    sentiment_sum: number;
  }>(GAMES_SQL);
  return rows.map((row) => ({
    appId: row.app_id,
    name: row.name,
    active: row.active,
    lastFetchedAt: row.last_fetched_timestamp,
    reviews: row.reviews,
    positive: row.positive,
    analysed: row.analysed,
    sentimentSum: row.sentiment_sum,
  }));
}

/** Everything the game's page shows, or undefined when the game is not tracked. */
export async function gameDashboard(db: Queryable, appId: number): Promise<GameDashboard | undefined> {
  const [game, days, recent, themes] = await Promise.all([
    db.query<{ app_id: number; name: string; active: boolean; last_fetched_timestamp: Date | null }>(GAME_SQL, [appId]),
    db.query<{ day: string; reviews: number; positive: number; analysed: number; sentiment_sum: number; sentiment_positive: number; sentiment_negative: number }>(
      DAYS_SQL,
      [appId],
    ),
    db.query<{
      recommendation_id: string;
      language: string;
      review_text: string;
      translated_text: string | null;
      voted_up: boolean;
      playtime_at_review_minutes: number | null;
      playtime_forever_minutes: number;
      created_at: Date;
      sentiment: Sentiment | null;
      sentiment_score: number | null;
      themes: string[] | null;
    }>(RECENT_REVIEWS_SQL, [appId, RECENT_REVIEWS_SHOWN]),
    db.query<ThemeCount>(THEMES_SQL, [appId, THEME_WINDOW]),
  ]);
  const row = game.rows[0];
  if (!row) return undefined;
  return {
    game: { appId: row.app_id, name: row.name, active: row.active, lastFetchedAt: row.last_fetched_timestamp },
    days: days.rows.map((day) => ({
      day: day.day,
      reviews: day.reviews,
      positive: day.positive,
      analysed: day.analysed,
      sentimentSum: day.sentiment_sum,
      sentimentPositive: day.sentiment_positive,
      sentimentNegative: day.sentiment_negative,
    })),
    recent: recent.rows.map((review) => ({
      recommendationId: review.recommendation_id,
      language: review.language,
      text: review.review_text,
      translatedText: review.translated_text,
      votedUp: review.voted_up,
      playtimeAtReviewMinutes: review.playtime_at_review_minutes,
      playtimeForeverMinutes: review.playtime_forever_minutes,
      createdAt: review.created_at,
      sentiment: review.sentiment,
      sentimentScore: review.sentiment_score,
      themes: review.themes ?? [],
    })),
    themes: themes.rows,
  };
}
