/**
 * Steam's public review list, `GET /appreviews/<appid>?json=1` on the store
 * host (no key). Pages of up to 100 reviews, newest first with
 * `filter=recent`; `cursor` starts at `*` and each answer carries the next
 * one, which must be URL-encoded (it holds `+`, `/` and `=`). The end shows as
 * an empty page, and Steam then keeps handing back the cursor it was given.
 * `success` is 1 when the query worked; anything else (2 for a bad query) is
 * a refusal. `query_summary` is complete on the first page only.
 */
import { z } from "zod";
import { UpstreamRejected, UpstreamUnavailable, type ResilientClient } from "../http/resilient-request.js";

export const FIRST_CURSOR = "*";
/** The most Steam returns per page. */
export const PAGE_SIZE = 100;

/** A review as this app stores it. */
export interface SteamReview {
  /** Steam's recommendationid (digits; a bigint in the database). */
  readonly recommendationId: string;
  readonly appId: number;
  /** Steam's API language code: english, schinese, brazilian… */
  readonly language: string;
  readonly text: string;
  readonly votedUp: boolean;
  readonly playtimeForeverMinutes: number;
  readonly playtimeAtReviewMinutes: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ReviewPage {
  readonly reviews: readonly SteamReview[];
  /** Reviews on the page that did not have the documented shape (not stored, counted). */
  readonly invalid: number;
  /** The cursor for the next page; undefined when Steam gave none. */
  readonly cursor: string | undefined;
  /** query_summary.total_reviews (first page only). */
  readonly totalReviews: number | undefined;
}

const minutes = z.number().int().nonnegative();

const reviewSchema = z.object({
  recommendationid: z.string().regex(/^\d{1,18}$/),
  author: z
    .object({ playtime_forever: minutes.optional(), playtime_at_review: minutes.optional() })
    .optional(),
  language: z.string().min(1).max(40),
  review: z.string(),
  timestamp_created: z.number().int().positive(),
  timestamp_updated: z.number().int().positive(),
  voted_up: z.boolean(),
});

const pageSchema = z.object({
  success: z.number(),
  query_summary: z.object({ num_reviews: z.number().int().optional(), total_reviews: z.number().int().nonnegative().optional() }).optional(),
  reviews: z.array(z.unknown()).optional(),
  cursor: z.string().min(1).optional(),
});

/** Steam answered 200 with something that is not a review page. */
export class SteamAnswerInvalid extends UpstreamUnavailable {
  constructor(what: string) {
    super("Steam", what);
    this.name = "SteamAnswerInvalid";
  }
}

export function reviewsUrl(storeUrl: string, appId: number, cursor: string): string {
  const query = new URLSearchParams({
    json: "1",
    filter: "recent",
    language: "all",
    review_type: "all",
    purchase_type: "all",
    num_per_page: String(PAGE_SIZE),
    cursor,
  });
  return `${storeUrl}/appreviews/${appId}?${query.toString()}`;
}

function toReview(appId: number, raw: z.infer<typeof reviewSchema>): SteamReview {
  return {
    recommendationId: raw.recommendationid,
    appId,
    language: raw.language,
    text: raw.review,
    votedUp: raw.voted_up,
    playtimeForeverMinutes: raw.author?.playtime_forever ?? 0,
    playtimeAtReviewMinutes: raw.author?.playtime_at_review ?? null,
    createdAt: new Date(raw.timestamp_created * 1000),
    updatedAt: new Date(raw.timestamp_updated * 1000),
  };
}

export class SteamReviewsApi {
  readonly #client: ResilientClient;
  readonly #storeUrl: string;

  constructor(client: ResilientClient, storeUrl: string) {
    this.#client = client;
    this.#storeUrl = storeUrl;
  }

  /** One page of `appId`'s reviews, newest first, starting at `cursor`. */
  async page(appId: number, cursor: string, signal?: AbortSignal): Promise<ReviewPage> {
    const answer = await this.#client.request(reviewsUrl(this.#storeUrl, appId, cursor), { headers: { accept: "application/json" } }, { signal });
    if (answer.status !== 200) throw new UpstreamRejected("Steam", answer.status, `review list of app ${appId}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new SteamAnswerInvalid(`the review list of app ${appId} is not JSON`);
    }
    const page = pageSchema.safeParse(body);
    if (!page.success) throw new SteamAnswerInvalid(`the review list of app ${appId} does not have the documented shape`);
    if (page.data.success !== 1) throw new UpstreamRejected("Steam", 200, `success ${page.data.success} for the review list of app ${appId}`);
    const reviews: SteamReview[] = [];
    let invalid = 0;
    for (const raw of page.data.reviews ?? []) {
      const review = reviewSchema.safeParse(raw);
      if (review.success) reviews.push(toReview(appId, review.data));
      else invalid++;
    }
    return { reviews, invalid, cursor: page.data.cursor, totalReviews: page.data.query_summary?.total_reviews };
  }
}
