import type { Metadata } from "next";
import { Notice } from "../../../components/notice.js";
import { meSchema } from "../../../lib/api/schemas.js";
import { formatCount } from "../../../lib/format.js";
import { sessionApi } from "../../../lib/session.js";

export const metadata: Metadata = { title: "Delete my data" };

/** The confirm step: the POST to /account/delete/confirm deletes only with the box ticked. */
export default async function DeleteDataPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const unconfirmed = (await searchParams).error === "unconfirmed";
  const me = await (await sessionApi("/account/delete")).get("/api/v1/me", meSchema);
  return (
    <div className="narrow">
      <h1>Delete my data</h1>
      {unconfirmed && <Notice tone="error">Nothing was deleted: tick the box to confirm first.</Notice>}
      <p>This permanently deletes, for @{me.username}:</p>
      <ul>
        <li>your Threads Analytics account and your sign-in on every device;</li>
        <li>
          {formatCount(me.counts.posts)} posts and their scores, and {formatCount(me.counts.flaggedReplies)} flagged replies;
        </li>
        <li>the access Threads gave us to your account.</li>
      </ul>
      <p>It cannot be undone. Your posts on Threads itself are not touched.</p>
      <form method="post" action="/account/delete/confirm" className="confirm-form">
        <p className="checkbox">
          <input type="checkbox" id="confirm" name="confirm" value="yes" required aria-describedby="confirm-help" />
          <label htmlFor="confirm">I understand that my data will be deleted for good.</label>
        </p>
        <p id="confirm-help" className="small">
          You will be signed out afterwards.
        </p>
        <p className="actions">
          <button type="submit" className="button button-danger">
            Delete my data permanently
          </button>
          <a href="/account">Cancel</a>
        </p>
      </form>
    </div>
  );
}
