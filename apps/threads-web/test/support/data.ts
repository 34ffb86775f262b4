/** People the contract stub knows: Ada has enough posts for two pages, Bo has none yet. */
import type { StubFlaggedReply, StubPost, StubUser } from "./contract-api.js";

const day = (n: number) => new Date(Date.UTC(2026, 9, 1 + n, 12)).toISOString();

/** 25 posts; post N has score N × 1.5, so "Post 25" leads by score. Published in id order. */
export const ADA_POSTS: readonly StubPost[] = Array.from({ length: 25 }, (_, index) => {
  const n = index + 1;
  return {
    id: `ada-post-${n}`,
    text: `Post ${n}: notes on shipping small things <b>often</b>`,
    permalink: n === 25 ? "https://www.threads.net/@ada/post/25" : n === 24 ? "javascript:alert(1)" : null,
    publishedAt: day(n),
    mediaType: "TEXT_POST",
    likes: 100 - n,
    replies: n,
    reposts: 2,
    quotes: 1,
    views: 1000 + n,
    engagementScore: n * 1.5,
    toxicity: n === 3 ? 0.91 : 0.05,
    flagged: n === 3,
  };
});

export const ADA_FLAGGED: readonly StubFlaggedReply[] = [
  { id: "r1", postId: "ada-post-3", postText: ADA_POSTS[2]!.text, text: "You are an idiot", username: "troll", publishedAt: day(4), toxicity: 0.93, categories: ["insult"] },
  { id: "r2", postId: "ada-post-5", postText: ADA_POSTS[4]!.text, text: "Nobody wants this", username: "grump", publishedAt: day(6), toxicity: 0.84, categories: ["harassment", "hate_speech"] },
];

export const ADA: StubUser = {
  id: "ada",
  username: "ada",
  displayName: "Ada Lovelace",
  profilePictureUrl: "https://scontent.example/ada.jpg",
  createdAt: day(0),
  lastIngestedAt: day(26),
  posts: ADA_POSTS,
  flagged: ADA_FLAGGED,
};

export const BO: StubUser = {
  id: "bo",
  username: "bo",
  displayName: "Bo",
  profilePictureUrl: null,
  createdAt: day(0),
  lastIngestedAt: null,
  posts: [],
  flagged: [],
};
