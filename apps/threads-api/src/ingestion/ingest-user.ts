/**
 * One user's ingestion: a valid Threads token (refreshed when it nears its
 * end), the posts of the last days with their insights and replies, toxicity
 * for whatever is not scored yet, and the decayed engagement score of every
 * post. Threads' rate limits and outages surface as errors for the run to
 * act on; a refused token ends in "sign in again".
 */
import type { Logger } from "pino";
import { TokenDecryptionError } from "../auth/token-cipher.js";
import type { IngestStore } from "../data/ingested.js";
import type { UserRepository } from "../data/users.js";
import { SCORING_DURATION, type JobMetrics } from "../metrics/job-metrics.js";
import { MODERATION_BATCH, ModerationUnavailable, type ModerationClient } from "../moderation/client.js";
import { toxicityOf } from "../scoring/toxicity.js";
import type { ThreadsGraph } from "../threads/graph.js";
import { ThreadsPermissionMissing, ThreadsTokenRefused, ThreadsUnavailable } from "../threads/http.js";
import type { ThreadsOAuth } from "../threads/oauth.js";

/** How far back each run reads posts: their metrics still move, and older posts' scores have decayed to nothing. */
export const INGEST_WINDOW_DAYS = 7;
/** Refresh the 60-day token once it has fewer days than this left (Threads refreshes tokens at least a day old). */
export const TOKEN_REFRESH_MARGIN_DAYS = 7;
/** Scoring stops after this many moderation calls per user and run; the rest waits for the next run. */
const MAX_SCORING_BATCHES = 20;
const DAY = 86_400_000;

export type UserOutcome =
  | { readonly kind: "ingested"; readonly posts: number; readonly replies: number; readonly scored: number; readonly unscored: boolean }
  | { readonly kind: "user_gone" }
  | { readonly kind: "signin_required"; readonly reason: string };

export interface IngestDependencies {
  readonly users: UserRepository;
  readonly store: IngestStore;
  readonly graph: ThreadsGraph;
  readonly oauth: ThreadsOAuth;
  readonly moderation: ModerationClient;
  readonly metrics: JobMetrics;
  readonly logger: Logger;
  readonly decayLambda: number;
  readonly retentionDays: number;
  readonly now: () => Date;
}

export async function ingestUser(deps: IngestDependencies, userId: string): Promise<UserOutcome> {
  const { users, store, graph, logger } = deps;
  const user = await users.find(userId);
  if (!user) return { kind: "user_gone" };

  let accessToken: string;
  try {
    const token = await validToken(deps, userId);
    if (token === undefined) return { kind: "signin_required", reason: "no usable Threads token" };
    accessToken = token;
  } catch (error) {
    if (error instanceof TokenDecryptionError || error instanceof ThreadsTokenRefused) {
      await users.markTokenInvalid(userId);
      return { kind: "signin_required", reason: error.message };
    }
    throw error;
  }

  const now = deps.now();
  const windowDays = Math.min(INGEST_WINDOW_DAYS, deps.retentionDays);
  let posts;
  let replies = 0;
  try {
    posts = await graph.postsSince(accessToken, new Date(now.getTime() - windowDays * DAY));
    const withMetrics = [];
    for (const post of posts) withMetrics.push({ post, metrics: await graph.insights(accessToken, post.id) });
    await store.upsertPosts(userId, withMetrics);
    for (const post of posts) {
      const found = await graph.replies(accessToken, post.id);
      await store.upsertReplies(userId, post.id, found);
      replies += found.length;
    }
  } catch (error) {
    if (!(error instanceof ThreadsTokenRefused || error instanceof ThreadsPermissionMissing)) throw error;
    await users.markTokenInvalid(userId);
    return { kind: "signin_required", reason: error.message };
  }

  const scoringStarted = performance.now();
  const { scored, unscored } = await scoreToxicity(deps, userId);
  await store.rescore(userId, deps.decayLambda, now);
  await deps.metrics.observe(SCORING_DURATION, (performance.now() - scoringStarted) / 1000);
  await users.markIngested(userId, now);
  logger.info({ userId, posts: posts.length, replies, scored, unscored }, "user ingested");
  return { kind: "ingested", posts: posts.length, replies, scored, unscored };
}

/** The stored token, refreshed first when it nears its end; undefined when the user must sign in again. */
async function validToken(deps: IngestDependencies, userId: string): Promise<string | undefined> {
  const stored = await deps.users.readToken(userId);
  const now = deps.now().getTime();
  if (!stored || stored.invalid || stored.expiresAt.getTime() <= now) return undefined;
  const nearEnd = stored.expiresAt.getTime() - now < TOKEN_REFRESH_MARGIN_DAYS * DAY;
  const oldEnough = now - stored.issuedAt.getTime() >= DAY;
  if (!nearEnd || !oldEnough) return stored.accessToken;
  try {
    const refreshed = await deps.oauth.refreshLongLived(stored.accessToken);
    await deps.users.storeToken(userId, refreshed.accessToken, new Date(now + refreshed.expiresInSeconds * 1000));
    deps.logger.info({ userId }, "Threads token refreshed");
    return refreshed.accessToken;
  } catch (error) {
    // Threads being down is no reason to stop: the current token still works for a while.
    if (error instanceof ThreadsUnavailable) return stored.accessToken;
    throw error;
  }
}

async function scoreToxicity(deps: IngestDependencies, userId: string): Promise<{ scored: number; unscored: boolean }> {
  let scored = 0;
  for (let batch = 0; batch < MAX_SCORING_BATCHES; batch++) {
    const items = await deps.store.unscored(userId, MODERATION_BATCH);
    if (items.length === 0) return { scored, unscored: false };
    const withText = items.filter((item) => item.text.trim() !== "");
    for (const item of items) if (item.text.trim() === "") await deps.store.storeToxicity(item, 0, {});
    let scores;
    try {
      scores = await deps.moderation.score(withText.map((item) => item.text));
    } catch (error) {
      if (!(error instanceof ModerationUnavailable)) throw error;
      deps.logger.warn({ err: error, userId }, "moderation unavailable; the rest is scored on the next run");
      return { scored, unscored: true };
    }
    for (const [index, item] of withText.entries()) {
      const categoryScores = scores[index]!;
      await deps.store.storeToxicity(item, toxicityOf(categoryScores), categoryScores);
    }
    scored += items.length;
  }
  return { scored, unscored: (await deps.store.unscored(userId, 1)).length > 0 };
}
