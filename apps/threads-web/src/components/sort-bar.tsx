/** How the dashboard's posts are ordered: one link per sort, and one to flip the order. */
import { POST_SORTS, type PostSort, type PostsQuery } from "../lib/listing-query.js";

const SORT_NAMES: Readonly<Record<PostSort, string>> = { score: "Score", recent: "Date", engagement: "Engagement" };

function orderName(sort: PostSort, order: PostsQuery["order"]): string {
  if (sort === "recent") return order === "desc" ? "newest first" : "oldest first";
  return order === "desc" ? "highest first" : "lowest first";
}

export function describeSort(query: PostsQuery): string {
  return `by ${SORT_NAMES[query.sort].toLowerCase()}, ${orderName(query.sort, query.order)}`;
}

export function SortBar({ query, hrefOf }: { readonly query: PostsQuery; readonly hrefOf: (query: PostsQuery) => string }) {
  const flipped = query.order === "desc" ? "asc" : "desc";
  return (
    <nav className="sort-bar" aria-label="Sort posts">
      <span id="sort-label">Sort by</span>
      <ul aria-labelledby="sort-label">
        {POST_SORTS.map((sort) => (
          <li key={sort}>
            <a href={hrefOf({ ...query, sort, page: 1 })} aria-current={sort === query.sort ? "true" : undefined}>
              {SORT_NAMES[sort]}
            </a>
          </li>
        ))}
      </ul>
      <a className="order-toggle" href={hrefOf({ ...query, order: flipped, page: 1 })}>
        Show {orderName(query.sort, flipped)}
      </a>
    </nav>
  );
}
