/**
 * The front end's read API on a seeded user (API.md): paging and sorting of
 * posts with their scores, top posts, flagged replies, bad parameters as 400s
 * naming the parameter, and the cache behind the counts.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, SCHEMA, signIn, startApp, startSuite, WEB_ORIGIN, type RunningApp, type Suite } from "./support/harness.js";
import { seedUser } from "./support/seed.js";

let suite: Suite;
let app: RunningApp;
let pool: pg.Pool;
let alice: Browser;

interface PostsPage {
  items: { id: string; engagementScore: number; publishedAt: string; likes: number; replies: number; reposts: number; quotes: number; toxicity: number | null; flagged: boolean }[];
  page: number;
  perPage: number;
  total: number;
}

beforeAll(async () => {
  suite = await startSuite("me");
  pool = new pg.Pool({ connectionString: suite.db.url, options: `-c search_path=${SCHEMA}`, max: 2 });
  await seedUser(pool, { threadsUserId: "17841400000000001", username: "alice", posts: 45, toxicEvery: 4 });
  app = await startApp({ env: suite.env() });
  alice = new Browser(app.url, WEB_ORIGIN);
  await signIn(alice, suite.threads, "alice");
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
  await suite?.close();
});

const getJson = async <T>(path: string): Promise<T> => {
  const response = await alice.get(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
};

describe("GET /api/v1/me/posts", () => {
  it("pages through every post once, highest score first by default", async () => {
    const seen: string[] = [];
    let scores: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const body = await getJson<PostsPage>(`/api/v1/me/posts?page=${page}&perPage=20`);
      expect(body).toMatchObject({ page, perPage: 20, total: 45 });
      seen.push(...body.items.map((post) => post.id));
      scores = scores.concat(body.items.map((post) => post.engagementScore));
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await getJson<PostsPage>("/api/v1/me/posts?page=4&perPage=20")).items).toEqual([]);
  });

  it("sorts by recency and by raw engagement, either way", async () => {
    const recent = (await getJson<PostsPage>("/api/v1/me/posts?sort=recent&perPage=100")).items.map((post) => Date.parse(post.publishedAt));
    expect(recent).toEqual([...recent].sort((a, b) => b - a));
    const oldest = (await getJson<PostsPage>("/api/v1/me/posts?sort=recent&order=asc&perPage=100")).items.map((post) => Date.parse(post.publishedAt));
    expect(oldest).toEqual([...recent].reverse());
    const weight = (post: PostsPage["items"][number]) => post.likes + 2 * post.replies + 3 * post.reposts + 3 * post.quotes;
    const engagement = (await getJson<PostsPage>("/api/v1/me/posts?sort=engagement&perPage=100")).items.map(weight);
    expect(engagement).toEqual([...engagement].sort((a, b) => b - a));
  });

  it("shapes each post as API.md says", async () => {
    const [post] = (await getJson<PostsPage>("/api/v1/me/posts?perPage=1")).items;
    expect(Object.keys(post!).sort()).toEqual(
      ["engagementScore", "flagged", "id", "likes", "mediaType", "permalink", "publishedAt", "quotes", "replies", "reposts", "text", "toxicity", "views"].sort(),
    );
    expect(post!.flagged).toBe(post!.toxicity !== null && post!.toxicity >= 0.8);
  });

  it("answers 400 naming the parameter for values it does not know", async () => {
    const cases: [string, string][] = [
      ["sort=popular", "sort"],
      ["order=up", "order"],
      ["page=0", "page"],
      ["perPage=101", "perPage"],
      ["perPage=ten", "perPage"],
      ["sort=score&sort=recent", "sort"],
    ];
    for (const [query, parameter] of cases) {
      const response = await alice.get(`/api/v1/me/posts?${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe("invalid_parameter");
      expect(body.message, query).toContain(parameter);
    }
  });
});

describe("top posts and flagged replies", () => {
  it("gives the highest-scoring posts, up to 50", async () => {
    const top = await getJson<{ items: PostsPage["items"] }>("/api/v1/me/posts/top?limit=3");
    const all = await getJson<PostsPage>("/api/v1/me/posts?perPage=3");
    expect(top.items.map((post) => post.id)).toEqual(all.items.map((post) => post.id));
    expect((await getJson<{ items: unknown[] }>("/api/v1/me/posts/top")).items).toHaveLength(5);
    expect((await alice.get("/api/v1/me/posts/top?limit=51")).status).toBe(400);
  });

  it("lists replies at or above the threshold, most toxic first, with their categories and post", async () => {
    const body = await getJson<{ items: { toxicity: number; categories: string[]; postText: string; text: string }[]; total: number }>("/api/v1/me/replies/flagged?perPage=100");
    // Every 4th of 90 replies is abusive.
    expect(body.total).toBe(23);
    expect(body.items).toHaveLength(23);
    for (const reply of body.items) {
      expect(reply.toxicity).toBeGreaterThanOrEqual(0.8);
      expect(reply.categories).toEqual(["harassment", "hate"]);
      expect(reply.postText).toMatch(/^Seeded post \d+ by @alice$/);
    }
  });

  it("counts in /me match the lists, from a cache entry with a TTL", async () => {
    const me = await getJson<{ counts: { posts: number; flaggedReplies: number } }>("/api/v1/me");
    expect(me.counts).toEqual({ posts: 45, flaggedReplies: 23 });
    const cacheKeys = (await suite.redis.keys()).filter((key) => key.includes(":cache:"));
    expect(cacheKeys.length).toBeGreaterThan(0);
    for (const key of cacheKeys) {
      const ttl = await suite.redis.raw.ttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(300);
    }
  });
});
