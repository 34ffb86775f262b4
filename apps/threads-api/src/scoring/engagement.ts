/**
 * Engagement of a post: interactions weighted by the effort they show
 * (a like 1, a reply 2, a repost or quote 3; views are reach, not
 * engagement). The score decays it by age: engagement × e^(−λ·hours), λ
 * being SCORING_DECAY_LAMBDA, so recent engagement outranks old engagement.
 */
import type { PostMetrics } from "../threads/graph.js";

export const ENGAGEMENT_WEIGHTS = { likes: 1, replies: 2, reposts: 3, quotes: 3 } as const;

export function engagementOf(metrics: Pick<PostMetrics, "likes" | "replies" | "reposts" | "quotes">): number {
  return (
    metrics.likes * ENGAGEMENT_WEIGHTS.likes +
    metrics.replies * ENGAGEMENT_WEIGHTS.replies +
    metrics.reposts * ENGAGEMENT_WEIGHTS.reposts +
    metrics.quotes * ENGAGEMENT_WEIGHTS.quotes
  );
}

/** `engagement` decayed by the post's age in hours at `asOf` (a post from the future counts as new). */
export function decayedScore(engagement: number, publishedAt: Date, asOf: Date, lambdaPerHour: number): number {
  const ageHours = Math.max(0, (asOf.getTime() - publishedAt.getTime()) / 3_600_000);
  return engagement * Math.exp(-lambdaPerHour * ageHours);
}

/** The same formula in SQL, for rescoring all of a user's posts at once ($lambda, $asOf as parameters). */
export function decayedScoreSql(lambdaParameter: string, asOfParameter: string): string {
  return `engagement * exp(-${lambdaParameter}::double precision * greatest(0, extract(epoch FROM (${asOfParameter}::timestamptz - published_at)) / 3600))`;
}
