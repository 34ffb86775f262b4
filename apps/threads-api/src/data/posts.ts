/**
 * What the front end reads: a user's posts with their scores (paged and
 * sorted), the top posts, and the flagged replies. Flags and categories are
 * decided at read time against TOXICITY_THRESHOLD.
 */
import type pg from "pg";
import { z } from "zod";
import { flaggedCategories, isFlagged } from "../scoring/toxicity.js";

export const POST_SORTS = ["score", "recent", "engagement"] as const;
export const SORT_ORDERS = ["desc", "asc"] as const;
export type PostSort = (typeof POST_SORTS)[number];
export type SortOrder = (typeof SORT_ORDERS)[number];

export const postJson = z.object({
  id: z.string(),
  text: z.string(),
  permalink: z.string().nullable(),
  publishedAt: z.string(),
  mediaType: z.string(),
  likes: z.number(),
  replies: z.number(),
  reposts: z.number(),
  quotes: z.number(),
  views: z.number(),
  engagementScore: z.number(),
  toxicity: z.number().nullable(),
  flagged: z.boolean(),
});
export type PostJson = z.output<typeof postJson>;

export interface FlaggedReplyJson {
  readonly id: string;
  readonly postId: string;
  readonly postText: string;
  readonly text: string;
  readonly username: string;
  readonly publishedAt: string;
  readonly toxicity: number;
  readonly categories: string[];
}

export const countsJson = z.object({ posts: z.number(), flaggedReplies: z.number() });
export type Counts = z.output<typeof countsJson>;

interface PostRow {
  id: string;
  text: string;
  permalink: string | null;
  published_at: Date;
  media_type: string;
  likes: number;
  replies: number;
  reposts: number;
  quotes: number;
  views: number;
  engagement_score: number;
  toxicity: number | null;
}

const categoryScores = z.record(z.string(), z.number());

const POST_COLUMNS = "id, text, permalink, published_at, media_type, likes, replies, reposts, quotes, views, engagement_score, toxicity";

/** ORDER BY per sort; every one ends in unique columns so pages never overlap. */
const ORDER_BY: Record<PostSort, Record<SortOrder, string>> = {
  score: { desc: "engagement_score DESC, published_at DESC, id DESC", asc: "engagement_score ASC, published_at ASC, id ASC" },
  recent: { desc: "published_at DESC, id DESC", asc: "published_at ASC, id ASC" },
  engagement: { desc: "engagement DESC, published_at DESC, id DESC", asc: "engagement ASC, published_at ASC, id ASC" },
};

export class PostQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly toxicityThreshold: number,
  ) {}

  async counts(userId: string): Promise<Counts> {
    const { rows } = await this.pool.query<{ posts: string; flagged: string }>(
      `SELECT (SELECT count(*) FROM posts WHERE user_id = $1) AS posts,
              (SELECT count(*) FROM replies WHERE user_id = $1 AND toxicity >= $2) AS flagged`,
      [userId, this.toxicityThreshold],
    );
    return { posts: Number(rows[0]?.posts ?? 0), flaggedReplies: Number(rows[0]?.flagged ?? 0) };
  }

  async page(userId: string, sort: PostSort, order: SortOrder, page: number, perPage: number): Promise<PostJson[]> {
    const { rows } = await this.pool.query<PostRow>(
      `SELECT ${POST_COLUMNS} FROM posts WHERE user_id = $1 ORDER BY ${ORDER_BY[sort][order]} LIMIT $2 OFFSET $3`,
      [userId, perPage, (page - 1) * perPage],
    );
    return rows.map((row) => this.#toJson(row));
  }

  async top(userId: string, limit: number): Promise<PostJson[]> {
    return this.page(userId, "score", "desc", 1, limit);
  }

  async flaggedReplies(userId: string, page: number, perPage: number): Promise<FlaggedReplyJson[]> {
    const { rows } = await this.pool.query<{
      id: string;
      post_id: string;
      post_text: string;
      text: string;
      username: string;
      published_at: Date;
      toxicity: number;
      category_scores: unknown;
    }>(
      `SELECT r.id, r.post_id, p.text AS post_text, r.text, r.username, r.published_at, r.toxicity, r.category_scores
       FROM replies r JOIN posts p ON p.id = r.post_id
       WHERE r.user_id = $1 AND r.toxicity >= $2
       ORDER BY r.toxicity DESC, r.published_at DESC, r.id DESC LIMIT $3 OFFSET $4`,
      [userId, this.toxicityThreshold, perPage, (page - 1) * perPage],
    );
    return rows.map((row) => {
      const scores = categoryScores.safeParse(row.category_scores);
      return {
        id: row.id,
        postId: row.post_id,
        postText: row.post_text,
        text: row.text,
        username: row.username,
        publishedAt: row.published_at.toISOString(),
        toxicity: row.toxicity,
        categories: scores.success ? flaggedCategories(scores.data, this.toxicityThreshold) : [],
      };
    });
  }

  #toJson(row: PostRow): PostJson {
    return {
      id: row.id,
      text: row.text,
      permalink: row.permalink,
      publishedAt: row.published_at.toISOString(),
      mediaType: row.media_type,
      likes: row.likes,
      replies: row.replies,
      reposts: row.reposts,
      quotes: row.quotes,
      views: row.views,
      engagementScore: row.engagement_score,
      toxicity: row.toxicity,
      flagged: isFlagged(row.toxicity, this.toxicityThreshold),
    };
  }
}
