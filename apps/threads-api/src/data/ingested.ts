/**
 * Where ingestion writes: posts with their metrics and engagement, replies,
 * toxicity scores, and the decayed engagement score of all of a user's posts.
 * A post whose text changed loses its toxicity, so it is scored again.
 */
import type pg from "pg";
import { decayedScoreSql, engagementOf } from "../scoring/engagement.js";
import type { CategoryScores } from "../scoring/toxicity.js";
import type { PostMetrics, ThreadsPost, ThreadsReply } from "../threads/graph.js";

export interface IngestedPost {
  readonly post: ThreadsPost;
  readonly metrics: PostMetrics;
}

export interface UnscoredText {
  readonly kind: "post" | "reply";
  readonly id: string;
  readonly text: string;
}

const ROWS_PER_STATEMENT = 200;

function placeholders(rows: number, columns: number): string {
  return Array.from({ length: rows }, (_, row) => `(${Array.from({ length: columns }, (__, column) => `$${row * columns + column + 1}`).join(", ")})`).join(", ");
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export class IngestStore {
  constructor(private readonly pool: pg.Pool) {}

  async upsertPosts(userId: string, posts: readonly IngestedPost[]): Promise<void> {
    for (const batch of chunks(posts, ROWS_PER_STATEMENT)) {
      const values = batch.flatMap(({ post, metrics }) => [
        post.id,
        userId,
        post.text ?? "",
        post.permalink ?? null,
        post.media_type,
        post.timestamp,
        metrics.likes,
        metrics.replies,
        metrics.reposts,
        metrics.quotes,
        metrics.views,
        engagementOf(metrics),
      ]);
      await this.pool.query(
        `INSERT INTO posts (id, user_id, text, permalink, media_type, published_at, likes, replies, reposts, quotes, views, engagement)
         VALUES ${placeholders(batch.length, 12)}
         ON CONFLICT (id) DO UPDATE SET
           text = EXCLUDED.text, permalink = EXCLUDED.permalink, media_type = EXCLUDED.media_type, published_at = EXCLUDED.published_at,
           likes = EXCLUDED.likes, replies = EXCLUDED.replies, reposts = EXCLUDED.reposts, quotes = EXCLUDED.quotes, views = EXCLUDED.views,
           engagement = EXCLUDED.engagement, ingested_at = now(),
           toxicity = CASE WHEN posts.text IS DISTINCT FROM EXCLUDED.text THEN NULL ELSE posts.toxicity END,
           category_scores = CASE WHEN posts.text IS DISTINCT FROM EXCLUDED.text THEN NULL ELSE posts.category_scores END
         WHERE posts.user_id = EXCLUDED.user_id`,
        values,
      );
    }
  }

  async upsertReplies(userId: string, postId: string, replies: readonly ThreadsReply[]): Promise<void> {
    for (const batch of chunks(replies, ROWS_PER_STATEMENT)) {
      const values = batch.flatMap((reply) => [reply.id, postId, userId, reply.username ?? "", reply.text ?? "", reply.timestamp]);
      await this.pool.query(
        `INSERT INTO replies (id, post_id, user_id, username, text, published_at) VALUES ${placeholders(batch.length, 6)}
         ON CONFLICT (id) DO UPDATE SET
           username = EXCLUDED.username, text = EXCLUDED.text, published_at = EXCLUDED.published_at, ingested_at = now(),
           toxicity = CASE WHEN replies.text IS DISTINCT FROM EXCLUDED.text THEN NULL ELSE replies.toxicity END,
           category_scores = CASE WHEN replies.text IS DISTINCT FROM EXCLUDED.text THEN NULL ELSE replies.category_scores END
         WHERE replies.user_id = EXCLUDED.user_id`,
        values,
      );
    }
  }

  /** Posts and replies of the user not yet scored for toxicity, oldest first. */
  async unscored(userId: string, limit: number): Promise<UnscoredText[]> {
    const { rows } = await this.pool.query<UnscoredText>(
      `SELECT kind, id, text FROM (
         SELECT 'post' AS kind, id, text, published_at FROM posts WHERE user_id = $1 AND toxicity IS NULL
         UNION ALL
         SELECT 'reply' AS kind, id, text, published_at FROM replies WHERE user_id = $1 AND toxicity IS NULL
       ) unscored ORDER BY published_at, id LIMIT $2`,
      [userId, limit],
    );
    return rows;
  }

  async storeToxicity(item: Pick<UnscoredText, "kind" | "id">, toxicity: number, scores: CategoryScores): Promise<void> {
    const table = item.kind === "post" ? "posts" : "replies";
    await this.pool.query(`UPDATE ${table} SET toxicity = $2, category_scores = $3 WHERE id = $1`, [item.id, toxicity, JSON.stringify(scores)]);
  }

  /** Recomputes every post's decayed score as of `asOf`, so a user's posts are ranked on one clock. */
  async rescore(userId: string, lambdaPerHour: number, asOf: Date): Promise<number> {
    const result = await this.pool.query(`UPDATE posts SET engagement_score = ${decayedScoreSql("$2", "$3")} WHERE user_id = $1`, [userId, lambdaPerHour, asOf]);
    return result.rowCount ?? 0;
  }
}
