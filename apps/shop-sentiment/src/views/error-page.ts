/** The page a person sees when something went wrong: what happened, and what to do next. */
import type { FastifyRequest } from "fastify";
import { problemTitle, type Problem } from "../shared/web/errors.js";
import { html } from "../shared/web/html.js";
import { layout } from "./layout.js";

export function renderErrorPage(problem: Problem, request: FastifyRequest): string {
  const retryable = problem.status >= 500 || problem.status === 429;
  // Trying again means the same page for a GET; after a failed form, the page it came from.
  const again = request.method === "GET" ? (request.url.split("#")[0] ?? "/") : (request.url.replace(/\/reviews$/, "").split("?")[0] ?? "/");
  const body = html`<h1>${problemTitle(problem.status)}</h1>
<p id="problem">${problem.message}</p>
<p>${retryable ? html`<a href="${again}">Try again</a> · ` : ""}<a href="/">All products</a></p>`;
  return layout({ title: problemTitle(problem.status), body });
}
