/** The dashboard: one server-rendered page, every value from Spotify escaped. */
import type { UserRecord } from "../users.js";
import { TIME_RANGES, type Artist, type PlayedTrack, type Playlist, type TimeRange, type Track } from "../spotify/web-api.js";
import { html, safeUrl, toHtmlString, type SafeHtml } from "../shared/web/html.js";

export interface DashboardData {
  readonly user: UserRecord;
  readonly timeRange: TimeRange;
  readonly topTracks: readonly Track[];
  readonly topArtists: readonly Artist[];
  readonly recentlyPlayed: readonly PlayedTrack[];
  readonly playlists: readonly Playlist[];
}

const TIME_RANGE_LABELS: Record<TimeRange, string> = {
  short_term: "Last 4 weeks",
  medium_term: "Last 6 months",
  long_term: "Last year",
};

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#121212;color:#eee}
header{display:flex;justify-content:space-between;align-items:center;padding:1rem 2rem;background:#1db954;color:#000}
header a{color:#000;font-weight:600}
nav{padding:1rem 2rem}nav a{margin-right:1rem;color:#1db954}nav a.current{color:#fff;font-weight:700}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1.5rem;padding:1.5rem 2rem}
section{background:#1e1e1e;border-radius:8px;padding:1rem}
h2{margin-top:0;font-size:1.1rem}ol,ul{padding-left:1.4rem}li{margin:.35rem 0}
.muted{color:#aaa;font-size:.9em}a{color:#1db954}img{vertical-align:middle;margin-right:.4rem;border-radius:3px}
`;

function link(label: string, url: string | undefined): SafeHtml {
  const href = safeUrl(url);
  return href ? html`<a href="${href}" rel="noopener noreferrer">${label}</a>` : html`${label}`;
}

function smallestImage(images: readonly { url: string; width?: number | null | undefined }[] | null | undefined): string | undefined {
  const sorted = [...(images ?? [])].sort((a, b) => (a.width ?? Infinity) - (b.width ?? Infinity));
  return safeUrl(sorted[0]?.url);
}

function artistNames(track: Track): string {
  return track.artists.map((artist) => artist.name).join(", ");
}

function trackItem(track: Track, extra?: string): SafeHtml {
  const cover = smallestImage(track.album?.images);
  return html`<li class="track">${cover ? html`<img src="${cover}" alt="" width="32" height="32">` : ""}${link(track.name, track.external_urls?.spotify)} <span class="muted">${artistNames(track)}${extra ? ` · ${extra}` : ""}</span></li>`;
}

function section(title: string, items: readonly SafeHtml[], emptyText: string, ordered = false): SafeHtml {
  if (items.length === 0) return html`<section><h2>${title}</h2><p class="muted">${emptyText}</p></section>`;
  return ordered ? html`<section><h2>${title}</h2><ol>${items}</ol></section>` : html`<section><h2>${title}</h2><ul>${items}</ul></section>`;
}

export function renderDashboard(data: DashboardData): string {
  const nav = TIME_RANGES.map((range) =>
    range === data.timeRange
      ? html`<a class="current" href="/?time_range=${range}">${TIME_RANGE_LABELS[range]}</a>`
      : html`<a href="/?time_range=${range}">${TIME_RANGE_LABELS[range]}</a>`,
  );
  const topTracks = data.topTracks.map((track) => trackItem(track));
  const topArtists = data.topArtists.map(
    (artist) => html`<li class="artist">${link(artist.name, artist.external_urls?.spotify)}${artist.genres?.length ? html` <span class="muted">${artist.genres.slice(0, 3).join(", ")}</span>` : ""}</li>`,
  );
  const recent = data.recentlyPlayed.map(({ track, playedAt }) => trackItem(track, new Date(playedAt).toISOString().slice(0, 16).replace("T", " ") + " UTC"));
  const playlists = data.playlists.map((playlist) => {
    const count = playlist.items?.total ?? playlist.tracks?.total;
    const owner = playlist.owner.display_name ?? playlist.owner.id;
    return html`<li class="playlist">${link(playlist.name, playlist.external_urls?.spotify)} <span class="muted">by ${owner}${count === undefined ? "" : ` · ${count} tracks`}</span></li>`;
  });

  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style>`;
  const page = html`<title>Euterpe · ${data.user.displayName}</title></head>
<body><header><strong>Euterpe</strong><span>Logged in as <span id="display-name">${data.user.displayName}</span> · <a href="/logout">Log out</a></span></header>
<nav>${nav}</nav>
<main>
${section("Top tracks", topTracks, "No top tracks yet.", true)}
${section("Top artists", topArtists, "No top artists yet.", true)}
${section("Recently played", recent, "Nothing played recently.")}
${section("Playlists", playlists, "No playlists.")}
</main></body></html>`;
  return head + toHtmlString(page);
}
