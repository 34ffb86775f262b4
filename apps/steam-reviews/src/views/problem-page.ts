/** What a person sees when something went wrong: what happened and what to do, never an internal detail. */
import type { FastifyRequest } from "fastify";
import type { Problem } from "../shared/web/errors.js";
import { problemTitle } from "../shared/web/errors.js";
import { html } from "../shared/web/html.js";
import { renderLayout } from "./layout.js";

export function renderProblemPage(problem: Problem, request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? "/";
  const back = path.startsWith("/admin") ? "/admin" : "/";
  // A GET can simply be asked again; a form is sent again from its page.
  const retry = request.method === "GET" ? request.url : back;
  const body = html`<h1>${problemTitle(problem.status)}</h1>
<div class="card"><p>${problem.message}</p>
<p>${problem.status >= 500 ? html`<a href="${retry}">Try again</a> · ` : ""}<a href="${back}">${back === "/admin" ? "Back to the admin page" : "Back to the dashboard"}</a></p>
<p class="muted">Request id: ${request.id}</p></div>`;
  return renderLayout({ title: problemTitle(problem.status), body });
}
