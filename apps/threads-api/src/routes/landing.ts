/**
 * A person who opens the API's address in a browser gets a short page that
 * sends them to the web app, and error pages instead of JSON outside /api/.
 */
import type { FastifyInstance } from "fastify";
import { problemTitle, type Problem } from "../shared/web/errors.js";
import { html, safeUrl, toHtmlString, type SafeHtml } from "../shared/web/html.js";

function page(title: string, body: SafeHtml): string {
  return toHtmlString(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Threads analytics</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1.25rem; line-height: 1.5; color: #1d1d1f; }
  a.button { display: inline-block; padding: 0.6rem 1.1rem; border-radius: 0.5rem; background: #1d1d1f; color: #fff; text-decoration: none; }
</style>
</head>
<body>${body}</body>
</html>`);
}

export function renderProblemPage(webAppUrl: string) {
  return (problem: Problem): string => {
    const retry = problem.status >= 500 || problem.status === 429;
    return page(
      problemTitle(problem.status),
      html`<h1>${problemTitle(problem.status)}</h1>
<p>${problem.message}</p>
<p>${retry ? html`<a class="button" href="">Try again</a> ` : ""}<a href="${safeUrl(webAppUrl) ?? webAppUrl}">Go to Threads analytics</a></p>`,
    );
  };
}

export async function landingRoutes(app: FastifyInstance, options: { readonly webAppUrl: string }): Promise<void> {
  app.get("/", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(
      page(
        "Threads analytics API",
        html`<h1>Threads analytics API</h1>
<p>This address serves the Threads analytics web app. There is nothing to see here.</p>
<p><a class="button" href="${options.webAppUrl}">Open Threads analytics</a></p>`,
      ),
    ),
  );
}
