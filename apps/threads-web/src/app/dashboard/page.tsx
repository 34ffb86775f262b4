import type { Metadata } from "next";
import { Notice } from "../../components/notice.js";
import { Pager, lastPage } from "../../components/pager.js";
import { PostsTable } from "../../components/posts-table.js";
import { SortBar, describeSort } from "../../components/sort-bar.js";
import { meSchema, postsPageSchema } from "../../lib/api/schemas.js";
import { formatCount, formatMoment } from "../../lib/format.js";
import { PER_PAGE, listingHref, parseListingQuery, postsQuerySchema, type PostsQuery } from "../../lib/listing-query.js";
import { sessionApi } from "../../lib/session.js";

export const metadata: Metadata = { title: "Dashboard" };

const DEFAULTS: PostsQuery = postsQuerySchema.parse({});
const hrefOf = (query: PostsQuery) => listingHref("/dashboard", query, DEFAULTS);

export default async function DashboardPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // src/proxy.ts answered 400 already if the query was wrong.
  const parsed = parseListingQuery(postsQuerySchema, await searchParams);
  const query = parsed.ok ? parsed.value : DEFAULTS;
  const api = await sessionApi(hrefOf(query));
  const [me, posts] = await Promise.all([
    api.get("/api/v1/me", meSchema),
    api.get("/api/v1/me/posts", postsPageSchema, { sort: query.sort, order: query.order, page: query.page, perPage: PER_PAGE }),
  ]);
  const last = lastPage(posts.total, posts.perPage);

  return (
    <div className="dashboard">
      <h1>Your posts</h1>
      <p className="lead" id="greeting">
        Signed in as <strong>{me.displayName}</strong> (@{me.username}) · {formatCount(me.counts.posts)} posts ·{" "}
        <a href="/flagged">{formatCount(me.counts.flaggedReplies)} flagged replies</a>
      </p>
      {me.lastIngestedAt === null ? (
        <Notice>We are still reading your posts from Threads. Scores appear here within a few minutes.</Notice>
      ) : (
        <p className="small">Data current as of {formatMoment(me.lastIngestedAt)}.</p>
      )}
      <SortBar query={query} hrefOf={hrefOf} />
      {posts.items.length === 0 ? (
        posts.total === 0 ? (
          <p>No posts yet.</p>
        ) : (
          <p>
            There is no page {query.page}. <a href={hrefOf({ ...query, page: last })}>Go to the last page</a>.
          </p>
        )
      ) : (
        <PostsTable posts={posts.items} caption={`Your posts, ${describeSort(query)}, page ${query.page} of ${last}`} />
      )}
      <Pager page={query.page} perPage={posts.perPage} total={posts.total} hrefFor={(page) => hrefOf({ ...query, page })} label="Pages of posts" />
    </div>
  );
}
