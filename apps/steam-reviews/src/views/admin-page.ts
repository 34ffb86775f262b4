/** /admin: the tracked games, their backfill, and the forms that add, deactivate and reactivate them. */
import type { TrackedApp } from "../data/tracked-apps.js";
import { html, type SafeHtml } from "../shared/web/html.js";
import { count, currentAsOf, formatUtc } from "./format.js";
import { renderLayout } from "./layout.js";

export const NOTICES = {
  added: "was added; the next hourly run fetches its newest reviews. Run its backfill for the older ones.",
  exists: "is tracked already; nothing changed.",
  deactivated: "is deactivated: the pipeline no longer fetches it; its reviews stay on the dashboard.",
  reactivated: "is active again.",
} as const;
export type Notice = keyof typeof NOTICES;

export interface AdminPageData {
  readonly apps: readonly TrackedApp[];
  readonly csrfToken: string;
  readonly signedInAs: string | undefined;
  readonly notice?: { readonly kind: Notice; readonly appId: number; readonly name: string | undefined } | undefined;
  /** The Heroku app, for the backfill command (HEROKU_APP_NAME). */
  readonly herokuApp: string | undefined;
}

function backfillCell(app: TrackedApp, herokuApp: string | undefined): SafeHtml {
  const { backfill } = app;
  const command = `heroku run -a ${herokuApp ?? "<heroku app>"} -- node dist/jobs/backfill.js --app-id ${app.appId}`;
  if (backfill.state === "complete") {
    return html`<span class="backfill-state">complete</span> <span class="muted">${count(backfill.stored)} stored in ${count(backfill.pages)} pages, ${backfill.completedAt ? formatUtc(backfill.completedAt) : ""}</span>`;
  }
  if (backfill.state === "in_progress") {
    return html`<span class="backfill-state">in progress</span> <span class="muted">${count(backfill.pages)} pages, ${count(backfill.stored)} stored${backfill.totalReported !== null ? ` of about ${count(backfill.totalReported)}` : ""}; last page ${backfill.updatedAt ? formatUtc(backfill.updatedAt) : "–"}. If it stopped, run again: <code>${command}</code></span>`;
  }
  return html`<span class="backfill-state">not started</span> <span class="muted">Run <code>${command}</code></span>`;
}

function row(app: TrackedApp, data: AdminPageData): SafeHtml {
  const action = app.active
    ? html`<form class="inline" method="post" action="/admin/apps/${app.appId}/deactivate"><input type="hidden" name="_csrf" value="${data.csrfToken}"><button class="secondary" type="submit">Deactivate</button></form>`
    : html`<form class="inline" method="post" action="/admin/apps/${app.appId}/reactivate"><input type="hidden" name="_csrf" value="${data.csrfToken}"><button class="secondary" type="submit">Reactivate</button></form>`;
  return html`<li class="card tracked-app" id="app-${app.appId}" data-active="${String(app.active)}">
<div class="row"><div><strong><a href="/games/${app.appId}">${app.name}</a></strong> <span class="muted">${app.appId}</span>${app.nameSource === "placeholder" ? html` <span class="muted">(name not yet from Steam)</span>` : ""}</div>${action}</div>
<p>${app.active ? html`<span class="badge positive">active</span>` : html`<span class="badge negative">inactive</span> <span class="muted">since ${app.deactivatedAt ? formatUtc(app.deactivatedAt) : "–"}${app.deactivatedBy ? ` by ${app.deactivatedBy}` : ""}</span>`}
<span class="muted"> · ${currentAsOf(app.lastFetchedAt)}</span></p>
<p>Backfill: ${backfillCell(app, data.herokuApp)}</p></li>`;
}

export function renderAdminPage(data: AdminPageData): string {
  const notice = data.notice
    ? html`<p class="notice" role="status">${data.notice.name ?? `App ${data.notice.appId}`} (${data.notice.appId}) ${NOTICES[data.notice.kind]}</p>`
    : "";
  const body = html`<h1>Admin</h1>
${data.signedInAs ? html`<p class="muted">Signed in as ${data.signedInAs}</p>` : ""}
${notice}
<div class="card"><form method="post" action="/admin/apps">
<input type="hidden" name="_csrf" value="${data.csrfToken}">
<label for="app_id">Track a game by its Steam app id</label> <span class="muted">(the number in its store address, e.g. 3228590)</span><br>
<input id="app_id" name="app_id" type="text" inputmode="numeric" pattern="[0-9]{1,10}" required autocomplete="off">
<button type="submit">Add</button></form></div>
<h2>Tracked games</h2>
${data.apps.length === 0 ? html`<p class="muted">None yet.</p>` : html`<ul class="tracked-apps">${data.apps.map((app) => row(app, data))}</ul>`}`;
  return renderLayout({ title: "Admin", nav: [{ href: "/", label: "Dashboard" }, { href: "/admin", label: "Admin", current: true }], body });
}
