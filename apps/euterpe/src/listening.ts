/**
 * What the dashboard shows of a user's Spotify, fetched with a valid access
 * token and kept for a short while per user and time range, so reloading the
 * page does not cost four Spotify calls every time.
 */
import type { FastifyBaseLogger } from "fastify";
import { SpotifyUnauthorized } from "./spotify/http.js";
import type { Artist, PlayedTrack, Playlist, SpotifyWebApi, TimeRange, Track } from "./spotify/web-api.js";
import type { TokenService } from "./tokens.js";
import { TtlCache, type Cached } from "./ttl-cache.js";

export interface Listening {
  readonly topTracks: readonly Track[];
  readonly topArtists: readonly Artist[];
  readonly recentlyPlayed: readonly PlayedTrack[];
  readonly playlists: readonly Playlist[];
}

/** Plenty of users per dyno; one entry is a few tens of kilobytes. */
const MAX_CACHED_VIEWS = 2_000;

export interface ListeningServiceOptions {
  readonly webApi: SpotifyWebApi;
  readonly tokens: TokenService;
  /** How long answers are reused; 0 asks Spotify on every view. */
  readonly cacheSeconds: number;
  readonly nowMs: () => number;
}

export class ListeningService {
  readonly #webApi: SpotifyWebApi;
  readonly #tokens: TokenService;
  readonly #cache: TtlCache<Listening> | undefined;
  readonly #nowMs: () => number;

  constructor(options: ListeningServiceOptions) {
    this.#webApi = options.webApi;
    this.#tokens = options.tokens;
    this.#nowMs = options.nowMs;
    this.#cache =
      options.cacheSeconds > 0 ? new TtlCache({ ttlMs: options.cacheSeconds * 1000, maxEntries: MAX_CACHED_VIEWS, nowMs: options.nowMs }) : undefined;
  }

  /** The user's listening for the range, with when it was fetched from Spotify. */
  async view(userId: string, timeRange: TimeRange, log: FastifyBaseLogger): Promise<Cached<Listening>> {
    const load = () => this.#fetch(userId, timeRange, log);
    if (!this.#cache) return { value: await load(), loadedAtMs: this.#nowMs() };
    return this.#cache.get(`${userId}:${timeRange}`, load);
  }

  /** Drops what is cached for the user (on logout, or when their login ends). */
  forget(userId: string): void {
    this.#cache?.deletePrefix(`${userId}:`);
  }

  async #fetch(userId: string, timeRange: TimeRange, log: FastifyBaseLogger): Promise<Listening> {
    const [topTracks, topArtists, recentlyPlayed, playlists] = await this.#withAccessToken(userId, log, (token) =>
      Promise.all([
        this.#webApi.topTracks(token, timeRange),
        this.#webApi.topArtists(token, timeRange),
        this.#webApi.recentlyPlayed(token),
        this.#webApi.playlists(token),
      ]),
    );
    return { topTracks, topArtists, recentlyPlayed, playlists };
  }

  /** Runs `call` with a valid token; if Spotify refuses it anyway, refreshes once and tries again. */
  async #withAccessToken<T>(userId: string, log: FastifyBaseLogger, call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await this.#tokens.accessTokenFor(userId, log));
    } catch (error) {
      if (!(error instanceof SpotifyUnauthorized)) throw error;
      return call(await this.#tokens.accessTokenFor(userId, log, { force: true }));
    }
  }
}
