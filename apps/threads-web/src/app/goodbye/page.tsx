import type { Metadata } from "next";

export const metadata: Metadata = { title: "Your data was deleted" };

export default function GoodbyePage() {
  return (
    <div className="narrow">
      <h1>Your data was deleted</h1>
      <p>Your account, your posts, their scores and your flagged replies are gone from Threads Analytics, and you are signed out.</p>
      <p>
        You can come back whenever you like: signing in again starts from scratch. <a href="/">Go to the home page</a>
      </p>
    </div>
  );
}
