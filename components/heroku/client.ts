/**
 * The one HTTP client of the Heroku providers: Platform API, data API
 * (Postgres, Redis) and the Scheduler's dashboard back end.
 *
 * - Auth, `Accept` version header, User-Agent, a `Request-Id` per attempt.
 * - Every JSON body is validated with zod on the way in (the trust boundary).
 * - Range pagination (206 + `Next-Range`).
 * - Retries with exponential back-off and jitter on 429, 5xx, resets and
 *   timeouts; a per-attempt timeout and an overall deadline; proactive
 *   slow-down while `RateLimit-Remaining` is low.
 * - Writes are resent only when that is safe: a non-idempotent create is
 *   resent after an ambiguous failure only once its `recover` lookup (by
 *   natural key) has shown the first attempt created nothing; if it did, that
 *   object is returned, so a create whose answer was lost is resumed.
 * - Redaction is the client's: it knows the token, the secret values of the
 *   requests it sent and the responses it read, and masks secret-looking
 *   patterns; every error and log line passes through it.
 *
 * A client is cheap and short-lived: providers build one per method call
 * (`herokuClient()`), never capture one.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { herokuSettings, herokuToken, type HerokuSettings } from "./env";
import { herokuApiError, isHerokuApiError, messageOf, type HerokuFailure } from "./errors";
import { createLogger, type HerokuLogger } from "./log";
import { redactText } from "./redact";
import { backoffDelay, rateLimitState, sleep, slowDownDelay, statusKind, type FailureKind } from "./retry";

/** Which Heroku service a request goes to. */
export type ApiHost = "platform" | "data" | "scheduler";

/** HTTP methods the providers use. */
export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One API request. */
export interface RequestOptions<T> {
  /** The service. @default "platform" */
  readonly host?: ApiHost;
  /** JSON body. */
  readonly body?: unknown;
  /** Validates the answer's JSON body. */
  readonly schema: z.ZodType<T>;
  /** Values in this request that must never be printed (config-var values, drain URLs). */
  readonly secrets?: readonly string[];
  /** Every string in the answer is a secret (config-var maps, credentials). @default false */
  readonly secretResponse?: boolean;
  /**
   * Resending after an ambiguous failure (5xx, reset, timeout) cannot create
   * a second object. @default true for every method but POST
   */
  readonly idempotent?: boolean;
  /**
   * For non-idempotent creates: looks the object up by its natural key after
   * an ambiguous failure. Found → returned as the create's answer; not found →
   * the create is resent.
   */
  readonly recover?: () => Promise<T | undefined>;
  /** Sent as the `Range` header (first page of a list). */
  readonly range?: string;
  /** Appended to the error message when the request fails (what the user can do). */
  readonly hint?: string;
}

/** What `herokuClient()` returns. */
export interface HerokuClient {
  /** Sends one request, with retries, and returns the validated body. */
  request<T>(method: HttpMethod, path: string, options: RequestOptions<T>): Promise<T>;
  /** GET, validated. */
  get<T>(path: string, schema: z.ZodType<T>, options?: Partial<RequestOptions<T>>): Promise<T>;
  /** GET; `undefined` when Heroku answers 404 or 410. */
  find<T>(path: string, schema: z.ZodType<T>, options?: Partial<RequestOptions<T>>): Promise<T | undefined>;
  /** GET of a list, following `Next-Range` to the end. */
  list<T>(path: string, item: z.ZodType<T>, options?: Partial<RequestOptions<T[]>>): Promise<T[]>;
  /** DELETE; `false` when it was already gone (404/410). */
  remove(path: string, options?: Partial<RequestOptions<unknown>>): Promise<boolean>;
  /** PUT raw bytes to a presigned URL: no auth header, no Content-Type. */
  upload(url: string, bytes: Uint8Array): Promise<void>;
  /** GET a plain-text URL without auth (build output streams); `undefined` when it cannot be read. */
  fetchText(url: string): Promise<string | undefined>;
  /** Adds values to mask from now on. */
  addSecrets(values: Iterable<string | undefined | null>): void;
  /** Masks every known secret and secret-looking pattern. */
  redact(text: string): string;
  /** Progress lines, redacted. */
  readonly log: HerokuLogger;
}

/** Options of one client. */
export interface ClientOptions {
  /** Secret values known up front (the inputs of the resource being handled). */
  readonly secrets?: Iterable<string | undefined | null>;
}

/** Counters of every client in this process (read by tests and the benchmark). */
export interface HerokuStats {
  /** HTTP exchanges attempted, retries included. */
  requests: number;
  /** Attempts that were resent after a failure. */
  retries: number;
  /** Creates whose lost answer was recovered by a natural-key lookup. */
  recoveries: number;
  /** Creates Heroku refused because the object existed, that took back fleet's own object (left by an earlier failed create). */
  takeBacks: number;
  /** Waits inserted because `RateLimit-Remaining` was low. */
  slowDowns: number;
}

const USER_AGENT = "fleet-heroku-provider/1.0 (Pulumi dynamic provider; +node)";
const PLATFORM_ACCEPT = "application/vnd.heroku+json; version=3";
const JSON_API = "application/vnd.api+json";

/** Builds a client for one provider call. Fails naming `HEROKU_API_KEY` when no token is set. */
export function herokuClient(options: ClientOptions = {}): HerokuClient {
  const settings = herokuSettings();
  const token = herokuToken();
  const secrets = new Set<string>([token]);
  const addSecrets = (values: Iterable<string | undefined | null>): void => {
    for (const value of values) if (typeof value === "string" && value !== "") secrets.add(value);
  };
  addSecrets(options.secrets ?? []);
  const redact = (text: string): string => redactText(text, secrets);
  const log = createLogger(redact, settings.logLevel);
  const transport: Transport = { settings, token, redact, log };

  const request = async <T>(method: HttpMethod, path: string, opts: RequestOptions<T>): Promise<T> => {
    addSecrets(opts.secrets ?? []);
    const page = await sendJson(transport, method, path, opts);
    if (opts.secretResponse) addSecrets(stringLeaves(page.body));
    return page.body;
  };

  const client: HerokuClient = {
    request,
    get: (path, schema, opts) => request("GET", path, { ...opts, schema }),
    async find(path, schema, opts) {
      try {
        return await request("GET", path, { ...opts, schema });
      } catch (error) {
        if (isHerokuApiError(error) && (error.status === 404 || error.status === 410)) return undefined;
        throw error;
      }
    },
    async list(path, item, opts) {
      const items: Array<z.infer<typeof item>> = [];
      const defaultRange = (opts?.host ?? "platform") === "platform" ? "id ..; max=1000" : undefined;
      let range: string | undefined = opts?.range ?? defaultRange;
      for (let pageNo = 1; pageNo <= 1000; pageNo++) {
        addSecrets(opts?.secrets ?? []);
        const page = await sendJson(transport, "GET", path, { ...opts, range, schema: z.array(item) });
        if (opts?.secretResponse) addSecrets(stringLeaves(page.body));
        items.push(...page.body);
        if (page.status !== 206 || !page.nextRange) return items;
        range = page.nextRange;
      }
      throw new Error(`Heroku API GET ${redact(path)}: more than 1000 pages; giving up.`);
    },
    async remove(path, opts) {
      try {
        await request("DELETE", path, { ...opts, schema: z.unknown() });
        return true;
      } catch (error) {
        if (isHerokuApiError(error) && (error.status === 404 || error.status === 410)) return false;
        throw error;
      }
    },
    async upload(url, bytes) {
      await withRetries(transport, "PUT", displayUrl(url), { idempotent: true }, () =>
        exchange(transport, "PUT", url, displayUrl(url), {}, bytes, undefined),
      );
    },
    async fetchText(url) {
      try {
        const reply = await withRetries(transport, "GET", displayUrl(url), { idempotent: true }, () =>
          exchange(transport, "GET", url, displayUrl(url), {}, undefined, undefined),
        );
        return reply.text;
      } catch (error) {
        log.info(`could not read ${displayUrl(url)}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    },
    addSecrets,
    redact,
    log,
  };
  return client;
}

/** The counters shared by every client of this process. */
export function herokuStats(): HerokuStats {
  const key = Symbol.for("fleet.heroku.stats");
  const holder = globalThis as unknown as Record<symbol, HerokuStats | undefined>;
  let stats = holder[key];
  if (stats === undefined) {
    stats = { requests: 0, retries: 0, recoveries: 0, takeBacks: 0, slowDowns: 0 };
    holder[key] = stats;
  }
  return stats;
}

/** Sets every counter back to zero. */
export function resetHerokuStats(): void {
  Object.assign(herokuStats(), { requests: 0, retries: 0, recoveries: 0, takeBacks: 0, slowDowns: 0 });
}

/** A path segment, URL-encoded (names, hostnames, ids). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

// ── Internals ────────────────────────────────────────────────────────────────

interface Transport {
  readonly settings: HerokuSettings;
  readonly token: string;
  readonly redact: (text: string) => string;
  readonly log: HerokuLogger;
}

interface RawReply {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

interface Page<T> {
  readonly status: number;
  readonly body: T;
  readonly nextRange: string | undefined;
}

/** A failed attempt, with what the retry loop needs to decide (a plain Error: see errors.ts). */
type AttemptError = Error & { readonly attempt: Omit<HerokuFailure, "attempts">; readonly failureKind: FailureKind };

function attemptError(failure: Omit<HerokuFailure, "attempts">, failureKind: FailureKind): AttemptError {
  return Object.assign(new Error(failure.detail), { attempt: failure, failureKind });
}

function isAttemptError(error: unknown): error is AttemptError {
  return error instanceof Error && "attempt" in error && "failureKind" in error;
}

async function sendJson<T>(t: Transport, method: HttpMethod, path: string, opts: RequestOptions<T>): Promise<Page<T>> {
  const host = opts.host ?? "platform";
  const base = host === "platform" ? t.settings.apiUrl : host === "data" ? t.settings.dataApiUrl : t.settings.schedulerUrl;
  const mediaType = host === "scheduler" ? JSON_API : PLATFORM_ACCEPT;
  const headers: Record<string, string> = {
    Accept: mediaType,
    Authorization: `Bearer ${t.token}`,
    "User-Agent": USER_AGENT,
  };
  if (opts.body !== undefined) headers["Content-Type"] = host === "scheduler" ? JSON_API : "application/json";
  if (opts.range) headers["Range"] = opts.range;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const shown = t.redact(path);
  const idempotent = opts.idempotent ?? method !== "POST";
  const recover = opts.recover;
  const parseReply = (reply: RawReply): Page<T> => ({
    status: reply.status,
    body: parseBody(t, method, shown, reply, opts.schema),
    nextRange: reply.headers.get("next-range") ?? undefined,
  });
  return withRetries(
    t,
    method,
    shown,
    { idempotent, hint: opts.hint, recover: recover && (async () => wrapRecovered(await recover())) },
    async () => parseReply(await exchange(t, method, `${base}${path}`, shown, headers, body, randomUUID())),
  );
}

function wrapRecovered<T>(found: T | undefined): Page<T> | undefined {
  return found === undefined ? undefined : { status: 200, body: found, nextRange: undefined };
}

interface RetryPolicy<R> {
  readonly idempotent: boolean;
  readonly hint?: string | undefined;
  readonly recover?: (() => Promise<R | undefined>) | undefined;
}

async function withRetries<R>(
  t: Transport,
  method: string,
  shownPath: string,
  policy: RetryPolicy<R>,
  attempt: () => Promise<R>,
): Promise<R> {
  const { settings, log } = t;
  const stats = herokuStats();
  const started = Date.now();
  for (let attemptNo = 1; ; attemptNo++) {
    const hold = slowDownDelay(rateLimitState().remaining, settings.rateLimitLow, settings.rateLimitRefillMs);
    if (hold > 0) {
      stats.slowDowns++;
      log.debug(`rate limit low (${rateLimitState().remaining} left): holding ${method} ${shownPath} for ${hold} ms`);
      await sleep(hold);
    }
    try {
      return await attempt();
    } catch (error) {
      if (!isAttemptError(error)) throw error;
      const failure: HerokuFailure = { ...error.attempt, attempts: attemptNo };
      if (error.failureKind === "final") throw herokuApiError(failure, policy.hint);
      if (error.failureKind === "transient" && !policy.idempotent) {
        if (!policy.recover) {
          throw herokuApiError(
            failure,
            `The request is not idempotent and Heroku may have executed it, so it was not resent; ` +
              `check the object on Heroku before running \`pulumi up\` again.${policy.hint ? ` ${policy.hint}` : ""}`,
          );
        }
        let found: R | undefined;
        try {
          found = await policy.recover();
        } catch (lookupError) {
          // Say what went wrong first: the lookup only ran because of it.
          throw herokuApiError(
            failure,
            `Heroku may have made the object anyway; looking it up to resume failed: ${t.redact(messageOf(lookupError))}` +
              `${policy.hint ? ` ${policy.hint}` : ""}`,
          );
        }
        if (found !== undefined) {
          stats.recoveries++;
          log.info(`${method} ${shownPath}: the answer was lost (${failure.code}) but Heroku had created the object; resuming with it`);
          return found;
        }
      }
      const base = error.failureKind === "rate-limited" ? settings.rateLimitBaseMs : settings.retryBaseMs;
      const wait = backoffDelay(attemptNo, base, settings.retryCapMs);
      const elapsed = Date.now() - started;
      if (attemptNo >= settings.maxAttempts || elapsed + wait > settings.deadlineMs) {
        throw herokuApiError(failure, policy.hint);
      }
      stats.retries++;
      log.info(
        `${method} ${shownPath} ${failure.status === 0 ? `failed (${failure.code})` : `answered ${failure.status} ${failure.code}`}; ` +
          `retrying in ${formatMs(wait)} (attempt ${attemptNo + 1} of ${settings.maxAttempts})`,
      );
      await sleep(wait);
    }
  }
}

/** One HTTP exchange; throws `AttemptError` on any failure. */
async function exchange(
  t: Transport,
  method: string,
  url: string,
  shownPath: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  requestId: string | undefined,
): Promise<RawReply> {
  const stats = herokuStats();
  stats.requests++;
  const started = Date.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers: requestId ? { ...headers, "Request-Id": requestId } : headers,
      body,
      signal: AbortSignal.timeout(t.settings.requestTimeoutMs),
      redirect: "follow",
    });
    text = await response.text();
  } catch (error) {
    const { code, detail } = transportFailure(error, t.settings.requestTimeoutMs);
    t.log.debug(`${method} ${shownPath} → ${code} after ${Date.now() - started} ms`);
    throw attemptError({ method, path: shownPath, status: 0, code, detail: t.redact(detail), requestId }, "transient");
  }
  const remaining = Number(response.headers.get("ratelimit-remaining"));
  if (response.headers.has("ratelimit-remaining") && Number.isFinite(remaining)) rateLimitState().remaining = remaining;
  const answeredId = response.headers.get("request-id") ?? requestId;
  t.log.debug(`${method} ${shownPath} → ${response.status} in ${Date.now() - started} ms${answeredId ? ` (Request-Id: ${answeredId})` : ""}`);
  if (response.status >= 200 && response.status < 300) return { status: response.status, text, headers: response.headers };
  const { code, message } = errorBody(text, response.status);
  throw attemptError(
    { method, path: shownPath, status: response.status, code, detail: t.redact(message), requestId: answeredId },
    statusKind(response.status),
  );
}

function parseBody<T>(t: Transport, method: string, shownPath: string, reply: RawReply, schema: z.ZodType<T>): T {
  let json: unknown = null;
  if (reply.text.trim() !== "") {
    try {
      json = JSON.parse(reply.text);
    } catch {
      throw herokuApiError({
        method,
        path: shownPath,
        status: reply.status,
        code: "unexpected_response",
        detail: "the body is not JSON",
        requestId: reply.headers.get("request-id") ?? undefined,
        attempts: 1,
      });
    }
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(body)"}: ${issue.code}`)
    .join("; ");
  throw herokuApiError(
    {
      method,
      path: shownPath,
      status: reply.status,
      code: "unexpected_response",
      detail: t.redact(`the body does not have the expected shape (${issues})`),
      requestId: reply.headers.get("request-id") ?? undefined,
      attempts: 1,
    },
    "The Heroku API may have changed; please report this with the Request-Id.",
  );
}

/** `{id, message}` (Platform and data API) or `{errors: [{title, detail}]}` (JSON:API). */
function errorBody(text: string, status: number): { code: string; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: `http_${status}`, message: text.trim().slice(0, 300) || "(empty body)" };
  }
  const platform = z.object({ id: z.string().optional(), message: z.string().optional() }).safeParse(json);
  if (platform.success && (platform.data.id || platform.data.message)) {
    return { code: platform.data.id ?? `http_${status}`, message: platform.data.message ?? "(no message)" };
  }
  const jsonApi = z
    .object({
      errors: z.array(z.object({ title: z.string().optional(), detail: z.string().optional(), code: z.string().optional() })),
    })
    .safeParse(json);
  if (jsonApi.success && jsonApi.data.errors[0]) {
    const first = jsonApi.data.errors[0];
    return { code: first.code ?? first.title ?? `http_${status}`, message: first.detail ?? first.title ?? "(no message)" };
  }
  return { code: `http_${status}`, message: text.trim().slice(0, 300) };
}

function transportFailure(error: unknown, timeoutMs: number): { code: string; detail: string } {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === "TimeoutError" || err.name === "AbortError") {
    return { code: "timeout", detail: `no answer within ${formatMs(timeoutMs)}` };
  }
  const cause = (err as Error & { cause?: unknown }).cause;
  const code =
    cause && typeof cause === "object" && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  const causeMessage = cause instanceof Error ? cause.message : undefined;
  return { code: code ?? "network_error", detail: causeMessage ?? err.message };
}

/** A presigned or stream URL as shown in messages: origin and path, never the query (it holds signatures). */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? "?[query redacted]" : ""}`;
  } catch {
    return "(unparsable URL)";
  }
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringLeaves);
  return [];
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${ms} ms`;
}
