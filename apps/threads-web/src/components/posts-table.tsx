/** The dashboard's posts: a table on wide screens, one card per post on a phone (see globals.css). */
import type { Post } from "../lib/api/schemas.js";
import { excerpt, externalHref, formatCount, formatDay, formatPercent, formatScore } from "../lib/format.js";

const METRICS = [
  ["likes", "Likes"],
  ["replies", "Replies"],
  ["reposts", "Reposts"],
  ["quotes", "Quotes"],
  ["views", "Views"],
] as const;

export function PostsTable({ posts, caption }: { readonly posts: readonly Post[]; readonly caption: string }) {
  return (
    <table className="posts">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Post</th>
          <th scope="col">Published</th>
          {METRICS.map(([, label]) => (
            <th scope="col" key={label} className="number">
              {label}
            </th>
          ))}
          <th scope="col" className="number">
            Score
          </th>
        </tr>
      </thead>
      <tbody>
        {posts.map((post) => {
          const href = externalHref(post.permalink);
          return (
            <tr key={post.id} className="post" data-post-id={post.id}>
              <th scope="row" className="post-text">
                <span>{excerpt(post.text) || `(${post.mediaType.toLowerCase()} without text)`}</span>
                {post.flagged && (
                  <span className="badge badge-warning" title={post.toxicity === null ? undefined : `Toxicity ${formatPercent(post.toxicity)}`}>
                    Flagged
                  </span>
                )}
                {href !== undefined && (
                  <a className="small" href={href} rel="noopener noreferrer" target="_blank">
                    Open on Threads<span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                )}
              </th>
              <td data-label="Published">
                <time dateTime={post.publishedAt}>{formatDay(post.publishedAt)}</time>
              </td>
              {METRICS.map(([key, label]) => (
                <td key={key} data-label={label} className="number">
                  {formatCount(post[key])}
                </td>
              ))}
              <td data-label="Score" className="number score">
                {formatScore(post.engagementScore)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
