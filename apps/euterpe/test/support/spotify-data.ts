/**
 * Listening data for the fake Spotify, in the shapes the real Web API
 * answers with (full track and artist objects, simplified playlists,
 * play-history items), generated per user so two users never overlap.
 */

export interface FakeUserProfile {
  readonly id: string;
  readonly displayName: string;
  readonly email: string;
  /** Words that make this user's tracks, artists and playlists recognisable in a page. */
  readonly tag: string;
}

const OPEN = "https://open.spotify.com";
const API = "https://api.spotify.com/v1";

function base62Id(seed: string): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let hash = 2166136261;
  let id = "";
  for (let i = 0; i < 22; i++) {
    for (const character of `${seed}:${i}`) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
    id += alphabet[hash % 62];
  }
  return id;
}

function images(seed: string) {
  return [640, 300, 64].map((size) => ({ url: `https://i.scdn.co/image/${base62Id(`${seed}:${size}`)}`, height: size, width: size }));
}

function simplifiedArtist(name: string) {
  const id = base62Id(`artist:${name}`);
  return { external_urls: { spotify: `${OPEN}/artist/${id}` }, href: `${API}/artists/${id}`, id, name, type: "artist", uri: `spotify:artist:${id}` };
}

export function artistObject(name: string, genres: string[]) {
  return {
    ...simplifiedArtist(name),
    followers: { href: null, total: 1234 },
    genres,
    images: images(`artist:${name}`),
    popularity: 61,
  };
}

export function trackObject(name: string, artistName: string, albumName: string) {
  const id = base62Id(`track:${name}`);
  const albumId = base62Id(`album:${albumName}`);
  const artist = simplifiedArtist(artistName);
  return {
    album: {
      album_type: "album",
      artists: [artist],
      external_urls: { spotify: `${OPEN}/album/${albumId}` },
      href: `${API}/albums/${albumId}`,
      id: albumId,
      images: images(`album:${albumName}`),
      name: albumName,
      release_date: "2024-03-01",
      release_date_precision: "day",
      total_tracks: 10,
      type: "album",
      uri: `spotify:album:${albumId}`,
    },
    artists: [artist],
    disc_number: 1,
    duration_ms: 201_000,
    explicit: false,
    external_ids: { isrc: "USRC17607839" },
    external_urls: { spotify: `${OPEN}/track/${id}` },
    href: `${API}/tracks/${id}`,
    id,
    is_local: false,
    name,
    popularity: 70,
    preview_url: null,
    track_number: 1,
    type: "track",
    uri: `spotify:track:${id}`,
  };
}

export function playlistObject(name: string, owner: FakeUserProfile, total: number) {
  const id = base62Id(`playlist:${name}`);
  return {
    collaborative: false,
    description: "",
    external_urls: { spotify: `${OPEN}/playlist/${id}` },
    href: `${API}/playlists/${id}`,
    id,
    images: [{ url: `https://mosaic.scdn.co/640/${base62Id(`mosaic:${name}`)}`, height: null, width: null }],
    name,
    owner: {
      display_name: owner.displayName,
      external_urls: { spotify: `${OPEN}/user/${owner.id}` },
      href: `${API}/users/${owner.id}`,
      id: owner.id,
      type: "user",
      uri: `spotify:user:${owner.id}`,
    },
    public: true,
    snapshot_id: "AAAAB8C+GhBnSVRZcHVuSjdLS0Y=",
    tracks: { href: `${API}/playlists/${id}/tracks`, total },
    type: "playlist",
    uri: `spotify:playlist:${id}`,
  };
}

export function profileObject(user: FakeUserProfile) {
  return {
    country: "SE",
    display_name: user.displayName,
    email: user.email,
    explicit_content: { filter_enabled: false, filter_locked: false },
    external_urls: { spotify: `${OPEN}/user/${user.id}` },
    followers: { href: null, total: 3 },
    href: `${API}/users/${user.id}`,
    id: user.id,
    images: [],
    product: "premium",
    type: "user",
    uri: `spotify:user:${user.id}`,
  };
}

/**
 * Hours (UTC) of the fake's recently played items, newest first: an evening
 * listener with a morning habit, so a chart by hour has a clear peak (19:00 UTC).
 */
export const RECENT_PLAY_HOURS_UTC = [23, 21, 19, 19, 19, 18, 13, 12, 8, 8, 7, 7] as const;

/** When the recently played items were played: one a day going back from 2026-11-24, at the hours above. */
export function recentPlayTimes(): string[] {
  return RECENT_PLAY_HOURS_UTC.map((hour, index) => {
    const day = new Date(Date.UTC(2026, 10, 24 - index, hour, 10 + index, 0));
    return day.toISOString();
  });
}

/** Everything the fake serves for one user. */
export function listeningData(user: FakeUserProfile) {
  const tag = user.tag;
  const genre = tag.toLowerCase();
  return {
    topTracks: [1, 2, 3].map((n) => trackObject(`${tag} Song ${n}`, `${tag} Band`, `${tag} Album`)),
    // Genres shared by several artists rank first on the dashboard; the last artist has none (as Spotify gives for the unclassified).
    topArtists: [
      artistObject(`${tag} Artist 1`, [`${genre} pop`, "indie", "dream pop"]),
      artistObject(`${tag} Artist 2`, [`${genre} pop`, "indie"]),
      artistObject(`${tag} Artist 3`, [`${genre} pop`]),
      artistObject(`${tag} Artist 4`, []),
    ],
    recentlyPlayed: recentPlayTimes().map((playedAt, index) => ({
      track: trackObject(`${tag} Recent ${index + 1}`, `${tag} Band`, `${tag} Album`),
      played_at: playedAt,
      context: { type: "album", href: `${API}/albums/x`, external_urls: { spotify: `${OPEN}/album/x` }, uri: "spotify:album:x" },
    })),
    playlists: [playlistObject(`${tag} Mix`, user, 25)],
  };
}

export function paging<T>(path: string, items: readonly T[], limit: number) {
  const shown = items.slice(0, limit);
  return { href: `${API}${path}?offset=0&limit=${limit}`, items: shown, limit, next: null, offset: 0, previous: null, total: items.length };
}
