/**
 * The Threads Graph API calls ingestion makes: the profile, the user's posts
 * (cursor paging, newest first), each post's insights and its replies.
 */
import { z } from "zod";
import { requestJson, type HttpOptions } from "./http.js";

export const GRAPH_VERSION = "v1.0";

/** Graph timestamps: ISO 8601 with a `+0000` offset. */
const timestamp = z.string().transform((value, context) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    context.addIssue({ code: "custom", message: "not a timestamp" });
    return z.NEVER;
  }
  return date;
});

const paging = z
  .object({
    cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
    next: z.string().optional(),
  })
  .optional();

const profileAnswer = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().optional(),
  threads_profile_picture_url: z.string().optional(),
});

const postAnswer = z.object({
  id: z.string().min(1),
  media_type: z.string().default("TEXT_POST"),
  text: z.string().optional(),
  permalink: z.string().optional(),
  timestamp,
});

const replyAnswer = z.object({
  id: z.string().min(1),
  text: z.string().optional(),
  username: z.string().optional(),
  timestamp,
});

const insightsAnswer = z.object({
  data: z.array(z.object({ name: z.string(), values: z.array(z.object({ value: z.number() })).optional(), total_value: z.object({ value: z.number() }).optional() })),
});

export type ThreadsProfile = z.output<typeof profileAnswer>;
export type ThreadsPost = z.output<typeof postAnswer>;
export type ThreadsReply = z.output<typeof replyAnswer>;

export interface PostMetrics {
  readonly views: number;
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly quotes: number;
}

export const METRICS = ["views", "likes", "replies", "reposts", "quotes"] as const;

const PAGE_SIZE = 100;
/** A user with more posts in the window than this many pages is cut off (and logged), not followed forever. */
const MAX_PAGES = 50;

export class ThreadsGraph {
  constructor(
    private readonly baseUrl: string,
    private readonly http: HttpOptions,
  ) {}

  async profile(accessToken: string): Promise<ThreadsProfile> {
    return this.#get("GET /me", "me", { fields: "id,username,name,threads_profile_picture_url" }, accessToken, profileAnswer);
  }

  /** The user's own posts published since `since`, newest first, every page (reposts of others left out). */
  async postsSince(accessToken: string, since: Date): Promise<ThreadsPost[]> {
    const posts = await this.#allPages("GET /me/threads", "me/threads", {
      fields: "id,media_type,text,permalink,timestamp",
      since: String(Math.floor(since.getTime() / 1000)),
    }, accessToken, postAnswer);
    return posts.filter((post) => post.media_type !== "REPOST_FACADE");
  }

  async insights(accessToken: string, mediaId: string): Promise<PostMetrics> {
    const answer = await this.#get("GET /{media}/insights", `${encodeURIComponent(mediaId)}/insights`, { metric: METRICS.join(",") }, accessToken, insightsAnswer);
    const value = (name: string) => {
      const entry = answer.data.find((metric) => metric.name === name);
      return Math.max(0, Math.round(entry?.total_value?.value ?? entry?.values?.[0]?.value ?? 0));
    };
    return { views: value("views"), likes: value("likes"), replies: value("replies"), reposts: value("reposts"), quotes: value("quotes") };
  }

  /** Top-level replies to a post, every page. */
  async replies(accessToken: string, mediaId: string): Promise<ThreadsReply[]> {
    return this.#allPages("GET /{media}/replies", `${encodeURIComponent(mediaId)}/replies`, { fields: "id,text,username,timestamp" }, accessToken, replyAnswer);
  }

  async #allPages<T extends z.ZodType>(endpoint: string, path: string, query: Record<string, string>, accessToken: string, item: T): Promise<z.output<T>[]> {
    const page = z.object({ data: z.array(item), paging });
    const items: z.output<T>[] = [];
    let after: string | undefined;
    for (let count = 0; count < MAX_PAGES; count++) {
      const answer = await this.#get(endpoint, path, { ...query, limit: String(PAGE_SIZE), ...(after ? { after } : {}) }, accessToken, page);
      items.push(...answer.data);
      after = answer.paging?.cursors?.after;
      if (answer.paging?.next === undefined || after === undefined || answer.data.length === 0) break;
    }
    return items;
  }

  #get<T extends z.ZodType>(endpoint: string, path: string, query: Record<string, string>, accessToken: string, schema: T): Promise<z.output<T>> {
    const search = new URLSearchParams({ ...query, access_token: accessToken });
    return requestJson(this.http, endpoint, `${this.baseUrl}/${GRAPH_VERSION}/${path}?${search.toString()}`, { method: "GET" }, schema);
  }
}
