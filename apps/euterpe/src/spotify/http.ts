/**
 * What both Spotify clients share: a timeout on every call, Retry-After
 * honoured on 429, and errors that say which endpoint answered what.
 */
import type { z } from "zod";
import { retryAfterMs } from "../shared/http/retry.js";

export interface SpotifyHttpOptions {
  readonly fetch: typeof fetch;
  /** How to wait before a retry; tests pass a recorder. */
  readonly sleep: (ms: number) => Promise<void>;
  /** A 429 asking to wait longer than this is given up at once. @default 10_000 */
  readonly maxRetryWaitMs?: number;
  /** Tries per call when Spotify answers 429. @default 3 */
  readonly maxAttempts?: number;
  /** Per request. @default 10_000 */
  readonly timeoutMs?: number;
}

export class SpotifyError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`Spotify ${endpoint}: ${message}`);
    this.name = new.target.name;
  }
}

/** Spotify is rate-limiting and asked for a longer wait than we hold a request open for. */
export class SpotifyRateLimited extends SpotifyError {
  constructor(
    endpoint: string,
    readonly retryAfterSeconds: number,
  ) {
    super(endpoint, 429, `rate limited, retry after ${retryAfterSeconds} s`);
  }
}

/** The access token was refused (expired early or revoked). */
export class SpotifyUnauthorized extends SpotifyError {}

/** Spotify refused the user (for example not on the app's allow-list in development mode). */
export class SpotifyForbidden extends SpotifyError {}

/** Network failure, timeout, 5xx, or an answer we cannot read. */
export class SpotifyUnavailable extends SpotifyError {}

/** Retry-After in seconds; a second when Spotify does not say. */
function retryAfterSeconds(response: Response): number {
  return (retryAfterMs(response.headers) ?? 1_000) / 1000;
}

/** Sends the request, retrying on 429 as told by Retry-After. Non-429 answers are returned as they are. */
export async function send(options: SpotifyHttpOptions, endpoint: string, url: string, init: RequestInit): Promise<Response> {
  const maxAttempts = options.maxAttempts ?? 3;
  const maxWaitMs = options.maxRetryWaitMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    } catch (error) {
      throw new SpotifyUnavailable(endpoint, undefined, `no answer (${error instanceof Error ? error.name : "error"})`);
    }
    if (response.status !== 429) return response;
    await response.body?.cancel();
    const waitSeconds = retryAfterSeconds(response);
    if (attempt >= maxAttempts || waitSeconds * 1000 > maxWaitMs) throw new SpotifyRateLimited(endpoint, waitSeconds);
    await options.sleep(waitSeconds * 1000);
  }
}

/** Reads a JSON body and checks it against `schema`; an unreadable answer is SpotifyUnavailable. */
export async function readJson<T extends z.ZodType>(endpoint: string, response: Response, schema: T): Promise<z.output<T>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new SpotifyUnavailable(endpoint, response.status, "answer is not JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "(root)";
    throw new SpotifyUnavailable(endpoint, response.status, `unexpected answer shape at ${where}`);
  }
  return parsed.data;
}
