/** GET /logout asks first: logging out changes state, so it is a POST with a CSRF token. */
import { html } from "../shared/web/html.js";
import { renderPage } from "./layout.js";

export function renderLogoutPage(displayName: string, csrfToken: string): string {
  return renderPage({
    title: "Euterpe · Log out",
    main: html`<section class="card message">
<h1>Log out of Euterpe?</h1>
<p>You are logged in as ${displayName}.</p>
<form method="post" action="/logout" class="actions"><input type="hidden" name="_csrf" value="${csrfToken}"><button class="button" type="submit" id="log-out">Log out</button><a class="button secondary" href="/">Back to my dashboard</a></form>
</section>`,
  });
}
