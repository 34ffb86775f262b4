/** The dashboard: the list of tracked games, and one game's numbers, chart and recent reviews. */
import type { GameDashboard, GameSummary, RecentReview } from "../data/dashboard-queries.js";
import { html, type SafeHtml } from "../shared/web/html.js";
import { lineChart } from "./chart.js";
import { count, currentAsOf, formatUtc, hours, languageName, percent } from "./format.js";
import { renderLayout, type NavLink } from "./layout.js";
import { bucketise, bucketSizeFor, meanSentiment, totalsOf } from "./timeline.js";

function navFor(games: readonly Pick<GameSummary, "appId" | "name">[], currentAppId?: number): NavLink[] {
  return games.map((game) => ({ href: `/games/${game.appId}`, label: game.name, current: game.appId === currentAppId }));
}

const signed = (value: number) => `${value > 0 ? "+" : ""}${value.toFixed(2)}`;

export function renderGamesPage(games: readonly GameSummary[]): string {
  const cards = games.map(
    (game) => html`<li><a href="/games/${game.appId}"><div class="card game">
<h2>${game.name}</h2>
<p><strong>${count(game.reviews)}</strong> reviews · <strong>${percent(game.positive, game.reviews)}</strong> recommend${game.analysed > 0 ? html` · mean sentiment <strong>${signed(game.sentimentSum / game.analysed)}</strong>` : ""}</p>
<p class="muted">${currentAsOf(game.lastFetchedAt)}${game.active ? "" : " · no longer tracked"}</p></div></a></li>`,
  );
  const body =
    games.length === 0
      ? html`<h1>No games tracked yet</h1><div class="card"><p>Add a game by its Steam app id on the <a href="/admin">admin page</a>; the hourly pipeline fetches its reviews.</p></div>`
      : html`<h1>Tracked games</h1><ul class="games">${cards}</ul>`;
  return renderLayout({ title: "Tracked games", nav: navFor(games), body });
}

function reviewItem(review: RecentReview): SafeHtml {
  const translated = review.translatedText !== null && review.language !== "english";
  return html`<li class="card review">
<div><span class="${review.votedUp ? "up" : "down"}">${review.votedUp ? "Recommended" : "Not recommended"}</span>
${review.sentiment ? html` <span class="badge ${review.sentiment}">${review.sentiment} ${signed(review.sentimentScore ?? 0)}</span>` : html` <span class="badge">not analysed yet</span>`}
<span class="muted"> · ${formatUtc(review.createdAt)} · ${languageName(review.language)} · ${hours(review.playtimeAtReviewMinutes ?? review.playtimeForeverMinutes)} played</span></div>
<p class="original" lang="${review.language === "english" ? "en" : ""}">${review.text}</p>
${translated ? html`<p class="translation"><span class="muted">Translation:</span> ${review.translatedText}</p>` : ""}
${review.language !== "english" && review.translatedText === null ? html`<p class="muted">Translation pending.</p>` : ""}
${review.themes.length > 0 ? html`<ul class="themes">${review.themes.map((theme) => html`<li class="badge">${theme}</li>`)}</ul>` : ""}
</li>`;
}

export function renderGamePage(dashboard: GameDashboard, games: readonly GameSummary[]): string {
  const { game, days, recent, themes } = dashboard;
  const totals = totalsOf(days);
  const size = bucketSizeFor(days);
  const buckets = bucketise(days, size);
  const mean = meanSentiment(totals);
  const per = size === "day" ? "day" : size;

  const sentimentChart = lineChart({
    title: `Mean sentiment per ${per}, −1 (negative) to +1 (positive)`,
    points: buckets.map((bucket) => ({ label: bucket.start, value: meanSentiment(bucket), weight: bucket.analysed })),
    min: -1,
    max: 1,
    ticks: [-1, -0.5, 0, 0.5, 1],
    format: signed,
    weightLabel: "analysed reviews",
  });
  const shareChart = lineChart({
    title: `Share of reviews recommending the game, per ${per}`,
    points: buckets.map((bucket) => ({ label: bucket.start, value: bucket.reviews === 0 ? undefined : bucket.positive / bucket.reviews, weight: bucket.reviews })),
    min: 0,
    max: 1,
    ticks: [0, 0.25, 0.5, 0.75, 1],
    format: (value) => `${Math.round(value * 100)}%`,
    weightLabel: "reviews",
  });

  const body = html`<h1>${game.name}</h1>
<p class="muted" id="current-as-of">${currentAsOf(game.lastFetchedAt)}${game.active ? "" : " · no longer tracked"} · <a href="https://store.steampowered.com/app/${game.appId}/" rel="noopener noreferrer">Steam store page</a></p>
<section class="stats">
<div class="stat"><div class="value" id="review-count">${count(totals.reviews)}</div><div class="label">reviews</div></div>
<div class="stat"><div class="value" id="positive-share">${percent(totals.positive, totals.reviews)}</div><div class="label">recommend the game</div></div>
<div class="stat"><div class="value" id="mean-sentiment">${mean === undefined ? "–" : signed(mean)}</div><div class="label">mean sentiment (−1 to +1)</div></div>
<div class="stat"><div class="value" id="analysed-count">${count(totals.analysed)}</div><div class="label">analysed · ${percent(totals.sentimentPositive, totals.analysed)} positive, ${percent(totals.sentimentNegative, totals.analysed)} negative</div></div>
</section>
${
  buckets.length === 0
    ? html`<div class="card"><p>No reviews stored yet.</p></div>`
    : html`<h2>Sentiment over time</h2><div class="card">${sentimentChart}</div><h2>Recommendations over time</h2><div class="card">${shareChart}</div>`
}
${themes.length > 0 ? html`<h2>Themes in the latest reviews</h2><div class="card"><ul class="themes">${themes.map((theme) => html`<li class="badge">${theme.theme} · ${theme.mentions}</li>`)}</ul></div>` : ""}
<h2>Recent reviews</h2>
${recent.length === 0 ? html`<p class="muted">None yet.</p>` : html`<ol class="reviews" style="list-style:none;padding:0">${recent.map(reviewItem)}</ol>`}`;
  return renderLayout({ title: game.name, nav: navFor(games, game.appId), body });
}
