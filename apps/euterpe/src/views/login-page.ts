/** The landing page for anyone not logged in: what Euterpe is, and the way in. */
import { html } from "../shared/web/html.js";
import type { LoginNotice } from "../session.js";
import { renderPage } from "./layout.js";

const NOTICES: Record<LoginNotice, string> = {
  signed_out: "You are signed out. Spotify will ask which account to use next time.",
  login_again: "Your Spotify login has ended. Please log in again.",
};

export function renderLoginPage(notice: LoginNotice | undefined): string {
  return renderPage({
    title: "Euterpe · Log in",
    main: html`<section class="card message">
<h1>Your listening, at a glance</h1>
${notice ? html`<p class="notice" id="notice">${NOTICES[notice]}</p>` : ""}
<p>Euterpe shows your top tracks and artists, the genres you lean to, when you listen, and your playlists. It reads your Spotify account; it never changes it.</p>
<div class="actions"><a class="button" id="log-in" href="/login/spotify">Log in with Spotify</a></div>
</section>`,
  });
}
