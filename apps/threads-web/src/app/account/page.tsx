import type { Metadata } from "next";
import { meSchema } from "../../lib/api/schemas.js";
import { externalHref, formatCount, formatDay, formatMoment } from "../../lib/format.js";
import { sessionApi } from "../../lib/session.js";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const me = await (await sessionApi("/account")).get("/api/v1/me", meSchema);
  const picture = externalHref(me.profilePictureUrl);
  return (
    <div className="narrow">
      <h1>Your account</h1>
      <section className="profile" aria-labelledby="profile-heading">
        {picture !== undefined && <img src={picture} alt="" width={64} height={64} className="avatar" />}
        <h2 id="profile-heading">{me.displayName}</h2>
        <dl>
          <dt>Threads username</dt>
          <dd>@{me.username}</dd>
          <dt>Member since</dt>
          <dd>{formatDay(me.createdAt)}</dd>
          <dt>Posts read</dt>
          <dd>{formatCount(me.counts.posts)}</dd>
          <dt>Flagged replies</dt>
          <dd>{formatCount(me.counts.flaggedReplies)}</dd>
          <dt>Last read from Threads</dt>
          <dd>{me.lastIngestedAt === null ? "Not yet" : formatMoment(me.lastIngestedAt)}</dd>
        </dl>
      </section>
      <section aria-labelledby="sign-out-heading">
        <h2 id="sign-out-heading">Sign out</h2>
        <p>Signs you out on this browser.</p>
        <form method="post" action="/auth/sign-out">
          <button type="submit" className="button button-secondary">
            Sign out
          </button>
        </form>
      </section>
      <section aria-labelledby="delete-heading" className="danger-zone">
        <h2 id="delete-heading">Delete my data</h2>
        <p>Removes your account, your posts and replies, their scores and your Threads access token from Threads Analytics.</p>
        <p>
          <a className="button button-danger" href="/account/delete">
            Delete my data…
          </a>
        </p>
      </section>
    </div>
  );
}
