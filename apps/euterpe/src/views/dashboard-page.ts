/** The dashboard: one server-rendered page, every value from Spotify escaped, images from Spotify's https CDN only. */
import type { Listening } from "../listening.js";
import { html, safeUrl, type SafeHtml } from "../shared/web/html.js";
import { TIME_RANGES, type Artist, type Image, type Playlist, type TimeRange, type Track } from "../spotify/web-api.js";
import { formatPlayedAt } from "../time-zone.js";
import type { UserRecord } from "../users.js";
import { accountMenu, renderPage } from "./layout.js";
import { playsByHour, renderListeningByHour } from "./listening-chart.js";

export interface DashboardData extends Listening {
  readonly user: UserRecord;
  readonly timeRange: TimeRange;
  /** When the listening was fetched from Spotify, and now (ms since the epoch). */
  readonly loadedAtMs: number;
  readonly nowMs: number;
  readonly timeZone: string;
  /** For the log-out form. */
  readonly csrfToken: string;
}

const TIME_RANGE_LABELS: Record<TimeRange, string> = {
  short_term: "Last 4 weeks",
  medium_term: "Last 6 months",
  long_term: "Last year",
};

/** Recently played lists this many; the chart uses every play Spotify returned. */
const RECENT_SHOWN = 20;
const GENRES_SHOWN = 12;

const STYLE = `
nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:baseline;margin-bottom:1rem}nav a.current{color:#fff;font-weight:700;text-decoration:none}
.status{margin-left:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1.2rem}
.card h2{margin:0 0 .6rem;font-size:1.1rem}
ol,ul{padding:0;margin:0;list-style:none}
li.track,li.playlist{display:flex;align-items:center;gap:.6rem;margin:.45rem 0;min-width:0}
li.track>span,li.playlist>span{min-width:0;overflow-wrap:anywhere}
.art{width:48px;height:48px;flex:none;border-radius:4px;object-fit:cover;background:#333}
.rank{width:1.6rem;flex:none;text-align:right;color:#aaa}
.artists{display:grid;grid-template-columns:repeat(auto-fill,minmax(110px,1fr));gap:.8rem}
li.artist{text-align:center;overflow-wrap:anywhere}
li.artist img,li.artist .placeholder{display:block;width:96px;height:96px;margin:0 auto .3rem;border-radius:50%;object-fit:cover;background:#333}
.genres{display:flex;flex-wrap:wrap;gap:.4rem}
.genre{background:#2a2a2a;border-radius:999px;padding:.25rem .7rem}
.chart{margin:0}.chart svg{width:100%;height:auto}.chart .bar{fill:#1db954}.chart .axis{stroke:#555}.chart text{fill:#aaa;font-size:15px}
`;

/** The image closest to `size` pixels wide without going under, else the largest. */
function imageNear(images: readonly Image[] | null | undefined, size: number): string | undefined {
  const usable = (images ?? []).filter((image) => safeUrl(image.url));
  const sorted = [...usable].sort((a, b) => (a.width ?? Infinity) - (b.width ?? Infinity));
  return (sorted.find((image) => (image.width ?? Infinity) >= size) ?? sorted.at(-1))?.url;
}

function link(label: string, url: string | undefined): SafeHtml {
  const href = safeUrl(url);
  return href ? html`<a href="${href}" rel="noopener noreferrer">${label}</a>` : html`${label}`;
}

function art(url: string | undefined, className = "art"): SafeHtml {
  return url ? html`<img class="${className}" src="${url}" alt="" width="48" height="48" loading="lazy">` : html`<span class="${className}"></span>`;
}

function trackItem(track: Track, rank: number | undefined, detail: string): SafeHtml {
  const artists = track.artists.map((artist) => artist.name).join(", ");
  return html`<li class="track">${rank === undefined ? "" : html`<span class="rank">${rank}</span>`}${art(imageNear(track.album?.images, 64))}<span>${link(track.name, track.external_urls?.spotify)}<br><span class="muted">${artists}${detail ? ` · ${detail}` : ""}</span></span></li>`;
}

function artistItem(artist: Artist): SafeHtml {
  const image = imageNear(artist.images, 160);
  const genres = artist.genres?.slice(0, 2).join(", ");
  return html`<li class="artist">${image ? html`<img src="${image}" alt="" width="96" height="96" loading="lazy">` : html`<span class="placeholder"></span>`}${link(artist.name, artist.external_urls?.spotify)}${genres ? html`<br><span class="muted">${genres}</span>` : ""}</li>`;
}

function playlistItem(playlist: Playlist): SafeHtml {
  const count = playlist.items?.total ?? playlist.tracks?.total;
  const owner = playlist.owner.display_name ?? playlist.owner.id;
  return html`<li class="playlist">${art(imageNear(playlist.images, 64))}<span>${link(playlist.name, playlist.external_urls?.spotify)}<br><span class="muted">by ${owner}${count === undefined ? "" : ` · ${count} tracks`}</span></span></li>`;
}

/** Genres of the top artists, most common first (ties by name). */
export function topGenres(artists: readonly Artist[], limit = GENRES_SHOWN): { genre: string; artists: number }[] {
  const counts = new Map<string, number>();
  for (const artist of artists) for (const genre of new Set(artist.genres ?? [])) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  return [...counts]
    .map(([genre, count]) => ({ genre, artists: count }))
    .sort((a, b) => b.artists - a.artists || a.genre.localeCompare(b.genre))
    .slice(0, limit);
}

/** "updated just now", "updated 1 minute ago", "updated 4 minutes ago". */
export function updatedAgo(loadedAtMs: number, nowMs: number): string {
  const minutes = Math.floor(Math.max(0, nowMs - loadedAtMs) / 60_000);
  if (minutes === 0) return "updated just now";
  return `updated ${minutes} minute${minutes === 1 ? "" : "s"} ago`;
}

function card(id: string, title: string, body: SafeHtml | readonly SafeHtml[], emptyText: string, isEmpty: boolean): SafeHtml {
  return html`<section class="card" id="${id}"><h2>${title}</h2>${isEmpty ? html`<p class="muted">${emptyText}</p>` : body}</section>`;
}

export function renderDashboard(data: DashboardData): string {
  const nav = TIME_RANGES.map((range) =>
    range === data.timeRange
      ? html`<a class="current" aria-current="page" href="/?time_range=${range}">${TIME_RANGE_LABELS[range]}</a>`
      : html`<a href="/?time_range=${range}">${TIME_RANGE_LABELS[range]}</a>`,
  );
  const genres = topGenres(data.topArtists);
  const recent = data.recentlyPlayed.slice(0, RECENT_SHOWN);
  const counts = playsByHour(
    data.recentlyPlayed.map((play) => play.playedAt),
    data.timeZone,
  );

  const main = html`<nav>${nav}<span class="status muted"><span id="updated">${updatedAgo(data.loadedAtMs, data.nowMs)}</span> · times in <span id="time-zone">${data.timeZone}</span></span></nav>
<div class="grid">
${card("top-tracks", "Top tracks", html`<ol>${data.topTracks.map((track, index) => trackItem(track, index + 1, track.album?.name ?? ""))}</ol>`, "No top tracks yet.", data.topTracks.length === 0)}
${card("top-artists", "Top artists", html`<ol class="artists">${data.topArtists.map(artistItem)}</ol>`, "No top artists yet.", data.topArtists.length === 0)}
${card("genres", "Genres of your top artists", html`<ul class="genres">${genres.map((entry) => html`<li class="genre" title="${entry.artists} of your top artists">${entry.genre}</li>`)}</ul>`, "Spotify has no genres for these artists.", genres.length === 0)}
${card("listening-by-hour-card", "When you listen", renderListeningByHour(counts, data.timeZone), "", false)}
${card("recently-played", "Recently played", html`<ul>${recent.map((play) => trackItem(play.track, undefined, formatPlayedAt(new Date(play.playedAt), data.timeZone)))}</ul>`, "Nothing played recently.", recent.length === 0)}
${card("playlists", "Playlists", html`<ul>${data.playlists.map(playlistItem)}</ul>`, "No playlists.", data.playlists.length === 0)}
</div>`;

  return renderPage({
    title: `Euterpe · ${data.user.displayName}`,
    headerEnd: accountMenu(data.user.displayName, data.csrfToken),
    main,
    style: STYLE,
    drawnInTimeZone: data.timeZone,
  });
}
