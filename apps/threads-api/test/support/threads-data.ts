/**
 * The people and posts the fake Threads serves. `demoUsers` is a small
 * world for local runs and browser tests: a few posts with metrics, and
 * replies of which some are toxic by the fake moderation's word lists.
 */
export interface FakeReply {
  readonly id: string;
  readonly text: string;
  readonly username: string;
  readonly timestamp: Date;
}

export interface FakePost {
  readonly id: string;
  readonly text: string;
  readonly mediaType: string;
  readonly timestamp: Date;
  readonly permalink?: string;
  readonly metrics: { views: number; likes: number; replies: number; reposts: number; quotes: number };
  readonly replies: readonly FakeReply[];
}

export interface FakeThreadsUser {
  /** Threads user ids are long numeric strings. */
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly pictureUrl?: string;
  posts: FakePost[];
}

const HOUR = 3_600_000;

/** `count` posts, one every `spacingHours` back from `now`, with metrics and replies that vary with the index. */
export function generatePosts(userId: string, count: number, now: Date, options: { spacingHours?: number; repliesPerPost?: number; toxicEvery?: number } = {}): FakePost[] {
  const spacing = options.spacingHours ?? 3;
  const repliesPerPost = options.repliesPerPost ?? 2;
  const toxicEvery = options.toxicEvery ?? 3;
  return Array.from({ length: count }, (_, index) => {
    const id = `${userId}${String(index + 1).padStart(4, "0")}`;
    const timestamp = new Date(now.getTime() - (index + 1) * spacing * HOUR);
    return {
      id,
      text: `Post ${index + 1}: thoughts on building in public`,
      mediaType: index % 4 === 3 ? "IMAGE" : "TEXT_POST",
      timestamp,
      permalink: `https://www.threads.net/@fake/post/${id}`,
      metrics: { views: 100 * (index + 3), likes: 5 + ((index * 7) % 40), replies: repliesPerPost, reposts: index % 5, quotes: index % 3 },
      replies: Array.from({ length: repliesPerPost }, (_, replyIndex) => ({
        id: `${id}${replyIndex + 1}`,
        text: (index * repliesPerPost + replyIndex) % toxicEvery === 0 ? `You are an idiot and I hate this (${index + 1})` : `Great point, thanks for sharing (${index + 1})`,
        username: `reader_${replyIndex + 1}`,
        timestamp: new Date(timestamp.getTime() + (replyIndex + 1) * 10 * 60_000),
      })),
    };
  });
}

export function demoUsers(now = new Date()): FakeThreadsUser[] {
  return [
    { id: "17841400000000001", username: "alice", name: "Alice Liddell", pictureUrl: "https://example.com/alice.jpg", posts: generatePosts("1784140000000000101", 12, now) },
    { id: "17841400000000002", username: "bob", name: "Bob <Builder> & Sons", posts: generatePosts("1784140000000000201", 4, now, { toxicEvery: 100 }) },
  ];
}
