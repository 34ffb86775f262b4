import type { Metadata } from "next";
import { Pager, lastPage } from "../../components/pager.js";
import { flaggedRepliesPageSchema } from "../../lib/api/schemas.js";
import { excerpt, formatMoment, formatPercent } from "../../lib/format.js";
import { PER_PAGE, flaggedQuerySchema, listingHref, parseListingQuery, type FlaggedQuery } from "../../lib/listing-query.js";
import { sessionApi } from "../../lib/session.js";

export const metadata: Metadata = { title: "Flagged replies" };

const DEFAULTS: FlaggedQuery = flaggedQuerySchema.parse({});
const hrefOf = (query: FlaggedQuery) => listingHref("/flagged", query, DEFAULTS);

export default async function FlaggedPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const parsed = parseListingQuery(flaggedQuerySchema, await searchParams);
  const query = parsed.ok ? parsed.value : DEFAULTS;
  const api = await sessionApi(hrefOf(query));
  const replies = await api.get("/api/v1/me/replies/flagged", flaggedRepliesPageSchema, { page: query.page, perPage: PER_PAGE });

  return (
    <div>
      <h1>Flagged replies</h1>
      <p className="lead">Replies to your posts that read as toxic, most severe first.</p>
      {replies.items.length === 0 ? (
        <p>{replies.total === 0 ? "No reply to your posts has been flagged. Good news." : `There is no page ${query.page}.`}</p>
      ) : (
        <ol className="replies">
          {replies.items.map((reply) => (
            <li key={reply.id} className="reply">
              <article aria-labelledby={`reply-${reply.id}`}>
                <h2 id={`reply-${reply.id}`} className="reply-heading">
                  @{reply.username} <span className="small">· {formatMoment(reply.publishedAt)}</span>
                </h2>
                <blockquote>{reply.text}</blockquote>
                <p className="small">On your post: “{excerpt(reply.postText, 120)}”</p>
                <p className="toxicity">
                  <label htmlFor={`toxicity-${reply.id}`}>Toxicity {formatPercent(reply.toxicity)}</label>
                  <meter id={`toxicity-${reply.id}`} min={0} max={1} low={0.5} high={0.8} optimum={0} value={reply.toxicity} />
                </p>
                {reply.categories.length > 0 && (
                  <ul className="categories" aria-label="Flagged for">
                    {reply.categories.map((category) => (
                      <li key={category} className="badge">
                        {category.replace(/_/g, " ")}
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            </li>
          ))}
        </ol>
      )}
      <Pager page={query.page} perPage={replies.perPage} total={replies.total} hrefFor={(page) => hrefOf({ page })} label="Pages of flagged replies" />
      {replies.items.length === 0 && replies.total > 0 && <a href={hrefOf({ page: lastPage(replies.total, replies.perPage) })}>Go to the last page</a>}
    </div>
  );
}
