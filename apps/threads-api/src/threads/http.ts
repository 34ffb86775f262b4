/**
 * What every call to Threads shares: a timeout, Graph API errors read into
 * a few kinds the callers act on (rate limited, token refused, rejected,
 * unavailable), Retry-After honoured for short waits, and messages that name
 * the endpoint — never a URL, since Threads takes tokens in the query string.
 */
import { z } from "zod";
import { retryAfterMs } from "../shared/http/retry.js";

export interface HttpOptions {
  readonly fetch: typeof fetch;
  /** How to wait before a retry; tests pass a recorder. */
  readonly sleep: (ms: number) => Promise<void>;
  /** A rate limit asking to wait longer than this is given up at once (the job defers the work). @default 5_000 */
  readonly maxRetryWaitMs?: number;
  /** Tries per call on a rate limit or a 5xx. @default 3 */
  readonly maxAttempts?: number;
  /** Per request. @default 15_000 */
  readonly timeoutMs?: number;
}

export class ThreadsError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`Threads ${endpoint}: ${message}`);
    this.name = new.target.name;
  }
}

/** Threads asked us to slow down for longer than we wait in place. `scope: "app"` stops every call of the app. */
export class ThreadsRateLimited extends ThreadsError {
  constructor(
    endpoint: string,
    status: number,
    readonly retryAfterSeconds: number,
    readonly scope: "app" | "user",
  ) {
    super(endpoint, status, `rate limited (${scope}), retry after ${retryAfterSeconds} s`);
  }
}

/** The user's token is expired, revoked or invalid (Graph error 190): they must sign in again. */
export class ThreadsTokenRefused extends ThreadsError {}

/** Threads refused the request itself (a used authorization code, a missing permission). */
export class ThreadsRejected extends ThreadsError {}

/** The user did not grant a permission the call needs (Graph error 10 or 200–299): they must sign in again and allow it. */
export class ThreadsPermissionMissing extends ThreadsRejected {}

/** Network failure, timeout, 5xx, or an answer we cannot read. */
export class ThreadsUnavailable extends ThreadsError {}

/** The shapes Threads errors come in: Graph's `{error:{…}}` and the OAuth endpoints' flat ones. */
const graphError = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    is_transient: z.boolean().optional(),
  }),
});
const flatError = z.object({
  error_type: z.string().optional(),
  code: z.number().optional(),
  error_code: z.number().optional(),
  error_message: z.string().optional(),
});

interface ErrorFacts {
  readonly code: number | undefined;
  readonly type: string | undefined;
  readonly message: string;
}

function readError(body: unknown): ErrorFacts {
  const graph = graphError.safeParse(body);
  if (graph.success) return { code: graph.data.error.code, type: graph.data.error.type, message: graph.data.error.message ?? "error" };
  const flat = flatError.safeParse(body);
  if (flat.success) return { code: flat.data.error_code ?? flat.data.code, type: flat.data.error_type, message: flat.data.error_message ?? "error" };
  return { code: undefined, type: undefined, message: "unreadable error" };
}

/** Graph API throttling codes: 4 (app), 32 and 613 (call rate) stop the app; 17 concerns one user. */
const APP_THROTTLE_CODES = new Set([4, 32, 613]);
const USER_THROTTLE_CODES = new Set([17]);

/** Retry-After in seconds; a minute when Threads does not say (or says 0). */
function retryAfterSeconds(response: Response): number {
  return (retryAfterMs(response.headers) || 60_000) / 1000;
}

async function bodyOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function classify(endpoint: string, response: Response, body: unknown): ThreadsError {
  const facts = readError(body);
  const status = response.status;
  if (status === 429 || (facts.code !== undefined && APP_THROTTLE_CODES.has(facts.code))) {
    return new ThreadsRateLimited(endpoint, status, retryAfterSeconds(response), "app");
  }
  if (facts.code !== undefined && USER_THROTTLE_CODES.has(facts.code)) return new ThreadsRateLimited(endpoint, status, retryAfterSeconds(response), "user");
  if (facts.code === 190 || status === 401) return new ThreadsTokenRefused(endpoint, status, `token refused: ${facts.message}`);
  if (status >= 500) return new ThreadsUnavailable(endpoint, status, `answered HTTP ${status}`);
  if (facts.code === 10 || (facts.code !== undefined && facts.code >= 200 && facts.code <= 299)) {
    return new ThreadsPermissionMissing(endpoint, status, `permission missing (${facts.code}): ${facts.message}`);
  }
  return new ThreadsRejected(endpoint, status, `${facts.type ?? "error"} ${facts.code ?? status}: ${facts.message}`);
}

/**
 * Sends the request and returns the JSON body of a 2xx answer checked
 * against `schema`; retries 5xx and short rate limits, throws a ThreadsError
 * for everything else.
 */
export async function requestJson<T extends z.ZodType>(options: HttpOptions, endpoint: string, url: string, init: RequestInit, schema: T): Promise<z.output<T>> {
  const maxAttempts = options.maxAttempts ?? 3;
  const maxWaitMs = options.maxRetryWaitMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    } catch (error) {
      const failure = new ThreadsUnavailable(endpoint, undefined, `no answer (${error instanceof Error ? error.name : "error"})`);
      if (attempt >= maxAttempts) throw failure;
      await options.sleep(250 * attempt);
      continue;
    }
    const body = await bodyOf(response);
    if (response.ok) {
      const parsed = schema.safeParse(body);
      if (parsed.success) return parsed.data;
      const where = parsed.error.issues[0]?.path.join(".") || "(root)";
      throw new ThreadsUnavailable(endpoint, response.status, `unexpected answer shape at ${where}`);
    }
    const error = classify(endpoint, response, body);
    const retryable =
      (error instanceof ThreadsRateLimited && error.retryAfterSeconds * 1000 <= maxWaitMs) || error instanceof ThreadsUnavailable;
    if (!retryable || attempt >= maxAttempts) throw error;
    await options.sleep(error instanceof ThreadsRateLimited ? error.retryAfterSeconds * 1000 : 250 * attempt);
  }
}
