/**
 * What a person sees when something goes wrong: what happened, in words,
 * and a way on. The shared error handling calls this for browsers; API
 * clients get the same Problem as JSON.
 */
import type { FastifyRequest } from "fastify";
import { html, type SafeHtml } from "../shared/web/html.js";
import { problemTitle, type Problem } from "../shared/web/errors.js";
import { renderPage } from "./layout.js";

interface PageFor {
  /** @default the shared title for the status */
  readonly title?: string;
  /** Where the main button leads. @default the same page again ("Try again") */
  readonly wayOn?: { readonly label: string; readonly href: string };
}

const PAGES: Readonly<Record<string, PageFor>> = {
  authorization_denied: { title: "Spotify login cancelled", wayOn: { label: "Try again", href: "/login/spotify?switch=1" } },
  invalid_state: { title: "This login has gone stale", wayOn: { label: "Log in again", href: "/login" } },
  invalid_code: { title: "This login has gone stale", wayOn: { label: "Log in again", href: "/login" } },
  missing_code: { title: "Spotify sent no login", wayOn: { label: "Log in again", href: "/login" } },
  spotify_forbidden: { title: "Spotify said no", wayOn: { label: "Use another Spotify account", href: "/login/spotify?switch=1" } },
  spotify_unavailable: { title: "Spotify is not answering" },
  spotify_rate_limited: { title: "Spotify is busy" },
  form_expired: { title: "This form has expired" },
  not_found: { wayOn: { label: "Go to my dashboard", href: "/" } },
};

/** The page itself, when it is safe to link back to: a GET to a path of this site (never `//other.host`), not an OAuth callback. */
function retryHref(request: FastifyRequest): string {
  const target = request.url;
  const isOwnPath = /^\/(?![/\\])/.test(target);
  return request.method === "GET" && isOwnPath && !target.startsWith("/callback") ? target : "/";
}

function waysOn(page: PageFor, request: FastifyRequest): SafeHtml {
  const primary = page.wayOn ?? { label: "Try again", href: retryHref(request) };
  const home = primary.href === "/" ? "" : html`<a class="button secondary" href="/">Home</a>`;
  return html`<a class="button" id="way-on" href="${primary.href}">${primary.label}</a>${home}`;
}

export function renderProblemPage(problem: Problem, request: FastifyRequest): string {
  const page = PAGES[problem.code] ?? {};
  const title = page.title ?? problemTitle(problem.status);
  return renderPage({
    title: `Euterpe · ${title}`,
    main: html`<section class="card message" id="problem" data-code="${problem.code}">
<h1>${title}</h1>
<p>${problem.message}</p>
<div class="actions">${waysOn(page, request)}</div>
</section>`,
  });
}
