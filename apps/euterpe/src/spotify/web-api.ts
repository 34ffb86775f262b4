/**
 * The parts of the Spotify Web API the dashboard shows. Answers are checked
 * with zod and reduced to the fields the app uses.
 */
import { z } from "zod";
import {
  readJson,
  send,
  SpotifyForbidden,
  SpotifyUnauthorized,
  SpotifyUnavailable,
  type SpotifyHttpOptions,
} from "./http.js";

const image = z.object({ url: z.string(), height: z.number().nullish(), width: z.number().nullish() });
const externalUrls = z.object({ spotify: z.string().optional() }).optional();

const simplifiedArtist = z.object({ id: z.string().nullish(), name: z.string(), external_urls: externalUrls });

const track = z.object({
  id: z.string().nullish(),
  name: z.string(),
  artists: z.array(simplifiedArtist),
  album: z.object({ name: z.string(), images: z.array(image).nullish() }).optional(),
  duration_ms: z.number().optional(),
  external_urls: externalUrls,
});

const artist = z.object({
  id: z.string(),
  name: z.string(),
  genres: z.array(z.string()).optional(),
  images: z.array(image).nullish(),
  external_urls: externalUrls,
});

const playlist = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.object({ id: z.string(), display_name: z.string().nullish() }),
  // The track count has come under either name; accept both.
  tracks: z.object({ total: z.number() }).nullish(),
  items: z.object({ total: z.number() }).nullish(),
  images: z.array(image).nullish(),
  public: z.boolean().nullish(),
  collaborative: z.boolean().optional(),
  external_urls: externalUrls,
});

function paging<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().optional(), limit: z.number(), next: z.string().nullable() });
}

const profile = z.object({
  id: z.string(),
  display_name: z.string().nullish(),
  email: z.string().nullish(),
});

const recentlyPlayed = z.object({
  // Local files and unavailable tracks can come back as null.
  items: z.array(z.object({ track: track.nullable(), played_at: z.string() })),
  next: z.string().nullable(),
  limit: z.number(),
});

export type SpotifyProfile = z.output<typeof profile>;
export type Image = z.output<typeof image>;
export type Track = z.output<typeof track>;
export type Artist = z.output<typeof artist>;
export type Playlist = z.output<typeof playlist>;
export interface PlayedTrack {
  readonly track: Track;
  readonly playedAt: string;
}

export const TIME_RANGES = ["short_term", "medium_term", "long_term"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export class SpotifyWebApi {
  readonly #apiUrl: string;
  readonly #http: SpotifyHttpOptions;

  constructor(apiUrl: string, http: SpotifyHttpOptions) {
    this.#apiUrl = apiUrl;
    this.#http = http;
  }

  me(accessToken: string): Promise<SpotifyProfile> {
    return this.#get(accessToken, "/v1/me", {}, profile);
  }

  async topTracks(accessToken: string, timeRange: TimeRange, limit = 20): Promise<Track[]> {
    const page = await this.#get(accessToken, "/v1/me/top/tracks", { time_range: timeRange, limit: String(limit) }, paging(track));
    return page.items;
  }

  async topArtists(accessToken: string, timeRange: TimeRange, limit = 20): Promise<Artist[]> {
    const page = await this.#get(accessToken, "/v1/me/top/artists", { time_range: timeRange, limit: String(limit) }, paging(artist));
    return page.items;
  }

  async recentlyPlayed(accessToken: string, limit = 50): Promise<PlayedTrack[]> {
    const page = await this.#get(accessToken, "/v1/me/player/recently-played", { limit: String(limit) }, recentlyPlayed);
    return page.items.flatMap((item) => (item.track ? [{ track: item.track, playedAt: item.played_at }] : []));
  }

  async playlists(accessToken: string, limit = 20): Promise<Playlist[]> {
    const page = await this.#get(accessToken, "/v1/me/playlists", { limit: String(limit) }, paging(playlist));
    return page.items;
  }

  async #get<T extends z.ZodType>(accessToken: string, path: string, query: Record<string, string>, schema: T): Promise<z.output<T>> {
    const endpoint = `GET ${path}`;
    const search = new URLSearchParams(query).toString();
    const response = await send(this.#http, endpoint, `${this.#apiUrl}${path}${search ? `?${search}` : ""}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
    });
    if (response.ok) return readJson(endpoint, response, schema);
    const message = await errorMessage(response);
    if (response.status === 401) throw new SpotifyUnauthorized(endpoint, 401, message);
    if (response.status === 403) throw new SpotifyForbidden(endpoint, 403, message);
    throw new SpotifyUnavailable(endpoint, response.status, message);
  }
}

const webApiError = z.object({ error: z.object({ status: z.number().optional(), message: z.string().optional() }) });

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = webApiError.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.error.message) return `HTTP ${response.status}: ${parsed.data.error.message}`;
  } catch {
    // not JSON: fall through to the bare status
  }
  return `HTTP ${response.status}`;
}
