/**
 * Puts a user with scored posts and replies straight into the database, as
 * ingestion would have left them: for browser tests of the front end, the
 * benchmark, and local runs without waiting for the ingest job. The user is
 * keyed by Threads user id, so signing in through the fake Threads as the
 * same person lands on the seeded data.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { decayedScore, engagementOf } from "../../src/scoring/engagement.js";
import { toxicityOf } from "../../src/scoring/toxicity.js";
import { fakeScores } from "./fake-moderation.js";

export interface SeedOptions {
  readonly threadsUserId: string;
  readonly username: string;
  readonly displayName?: string;
  readonly posts: number;
  /** @default 2 */
  readonly repliesPerPost?: number;
  /** Every n-th reply is abusive (and scores high). @default 3 */
  readonly toxicEvery?: number;
  /** @default 0.1 */
  readonly decayLambda?: number;
  readonly now?: Date;
}

const HOUR = 3_600_000;
const BATCH = 1_000;

/** Creates (or reuses) the user and replaces their posts; returns the user id. */
export async function seedUser(pool: pg.Pool, options: SeedOptions): Promise<string> {
  const now = options.now ?? new Date();
  const repliesPerPost = options.repliesPerPost ?? 2;
  const toxicEvery = options.toxicEvery ?? 3;
  const lambda = options.decayLambda ?? 0.1;
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO users (id, threads_user_id, username, display_name, last_ingested_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (threads_user_id) DO UPDATE SET username = EXCLUDED.username, last_ingested_at = EXCLUDED.last_ingested_at
     RETURNING id`,
    [randomUUID(), options.threadsUserId, options.username, options.displayName ?? options.username, now],
  );
  const userId = rows[0]!.id;
  await pool.query("DELETE FROM posts WHERE user_id = $1", [userId]);

  for (let start = 0; start < options.posts; start += BATCH) {
    const posts: unknown[][] = [];
    const replies: unknown[][] = [];
    for (let index = start; index < Math.min(options.posts, start + BATCH); index++) {
      const id = `${options.threadsUserId}${String(index + 1).padStart(6, "0")}`;
      const publishedAt = new Date(now.getTime() - (index + 1) * 2 * HOUR);
      const metrics = { likes: 3 + ((index * 7) % 50), replies: repliesPerPost, reposts: index % 5, quotes: index % 3, views: 50 * (index + 2) };
      const text = `Seeded post ${index + 1} by @${options.username}`;
      const postScores = fakeScores(text);
      const engagement = engagementOf(metrics);
      posts.push([id, userId, text, `https://www.threads.net/@${options.username}/post/${id}`, index % 4 === 3 ? "IMAGE" : "TEXT_POST", publishedAt, metrics.likes, metrics.replies, metrics.reposts, metrics.quotes, metrics.views, engagement, decayedScore(engagement, publishedAt, now, lambda), toxicityOf(postScores), JSON.stringify(postScores)]);
      for (let reply = 0; reply < repliesPerPost; reply++) {
        const replyText = (index * repliesPerPost + reply) % toxicEvery === 0 ? `You are an idiot and I hate this (${index + 1})` : `Great point, thanks for sharing (${index + 1})`;
        const scores = fakeScores(replyText);
        replies.push([`${id}${reply + 1}`, id, userId, `reader_${reply + 1}`, replyText, new Date(publishedAt.getTime() + (reply + 1) * 600_000), toxicityOf(scores), JSON.stringify(scores)]);
      }
    }
    await insertRows(pool, "posts", ["id", "user_id", "text", "permalink", "media_type", "published_at", "likes", "replies", "reposts", "quotes", "views", "engagement", "engagement_score", "toxicity", "category_scores"], posts);
    await insertRows(pool, "replies", ["id", "post_id", "user_id", "username", "text", "published_at", "toxicity", "category_scores"], replies);
  }
  return userId;
}

async function insertRows(pool: pg.Pool, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const placeholders = rows.map((_, row) => `(${columns.map((__, column) => `$${row * columns.length + column + 1}`).join(", ")})`).join(", ");
  await pool.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${placeholders}`, rows.flat());
}
