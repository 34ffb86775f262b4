import { Notice } from "../components/notice.js";
import { looksSignedIn } from "../lib/session.js";

export default async function LandingPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const signedIn = await looksSignedIn();
  const signedOut = (await searchParams).signed_out !== undefined;
  return (
    <div className="landing">
      {signedOut && <Notice>You are signed out.</Notice>}
      <h1>See which of your Threads posts land</h1>
      <p className="lead">
        Threads Analytics scores every post you publish on Threads by its engagement, and flags the replies that cross the line — so you
        know what works and what to moderate.
      </p>
      <p>
        {signedIn ? (
          <a className="button" href="/dashboard">
            Open your dashboard
          </a>
        ) : (
          <a className="button" href="/signin">
            Sign in with Threads
          </a>
        )}
      </p>
      <section aria-labelledby="what-you-get">
        <h2 id="what-you-get">What you get</h2>
        <ul className="features">
          <li>
            <h3>Scored posts</h3>
            <p>Likes, replies, reposts, quotes and views rolled into one engagement score, newest posts weighted higher.</p>
          </li>
          <li>
            <h3>Flagged replies</h3>
            <p>Replies to your posts that read as toxic, most severe first, with what they were flagged for.</p>
          </li>
          <li>
            <h3>Your data, your call</h3>
            <p>Delete your account and everything read from Threads in one step, whenever you like.</p>
          </li>
        </ul>
      </section>
    </div>
  );
}
