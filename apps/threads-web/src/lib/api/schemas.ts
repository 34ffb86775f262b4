/**
 * What threads-api answers, as apps/threads-api/API.md fixes it. Every answer
 * is parsed with these before a page uses it: a change on the API side shows
 * up as one clear error here, not as a broken page.
 */
import { z } from "zod";

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO date");
const count = z.number().int().nonnegative();

export const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  profilePictureUrl: z.string().nullable(),
  createdAt: isoDate,
  lastIngestedAt: isoDate.nullable(),
  counts: z.object({ posts: count, flaggedReplies: count }),
});
export type Me = z.infer<typeof meSchema>;

export const postSchema = z.object({
  id: z.string(),
  text: z.string(),
  permalink: z.string().nullable(),
  publishedAt: isoDate,
  mediaType: z.string(),
  likes: count,
  replies: count,
  reposts: count,
  quotes: count,
  views: count,
  engagementScore: z.number(),
  toxicity: z.number().min(0).max(1).nullable(),
  flagged: z.boolean(),
});
export type Post = z.infer<typeof postSchema>;

export const flaggedReplySchema = z.object({
  id: z.string(),
  postId: z.string(),
  postText: z.string(),
  text: z.string(),
  username: z.string(),
  publishedAt: isoDate,
  toxicity: z.number().min(0).max(1),
  categories: z.array(z.string()),
});
export type FlaggedReply = z.infer<typeof flaggedReplySchema>;

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int().positive(), perPage: z.number().int().positive(), total: count });

export const postsPageSchema = pageOf(postSchema);
export type PostsPage = z.infer<typeof postsPageSchema>;

export const flaggedRepliesPageSchema = pageOf(flaggedReplySchema);
export type FlaggedRepliesPage = z.infer<typeof flaggedRepliesPageSchema>;

export const refreshedSchema = z.object({ expiresAt: isoDate });

/** Every error: `{"error": "<code>", "message": "<for people>"}`. */
export const apiErrorSchema = z.object({ error: z.string(), message: z.string().optional() });
