import type { Metadata } from "next";
import { Notice } from "../../components/notice.js";
import { safeReturnTo } from "../../lib/return-to.js";
import { threadsLoginUrl } from "../../lib/runtime-env.js";

export const metadata: Metadata = { title: "Sign in" };

/** The reasons threads-api gives when it sends a person back here (API.md, callback). */
const SIGN_IN_ERRORS: Readonly<Record<string, string>> = {
  access_denied: "You did not allow Threads Analytics to read your Threads account, so you are not signed in.",
  state_mismatch: "That sign-in link had expired or was opened in another browser. Please start again.",
  threads_unavailable: "Threads did not answer in time. Please try again in a minute.",
};
const UNKNOWN_ERROR = "Signing in did not work. Please try again.";

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export default async function SignInPage({ searchParams }: { readonly searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const error = first(query.error);
  const returnTo = safeReturnTo(first(query.return_to));
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {error !== undefined && <Notice tone="error">{SIGN_IN_ERRORS[error] ?? UNKNOWN_ERROR}</Notice>}
      <p>
        Threads Analytics uses your Threads account: Threads asks you to allow read access to your profile, posts and their replies, then
        brings you back here.
      </p>
      <p>
        <a className="button" href={threadsLoginUrl(returnTo)}>
          Continue with Threads
        </a>
      </p>
      <p className="small">We never post on your behalf. You can delete everything we read from your account page.</p>
    </div>
  );
}
