/**
 * Calls threads-api from the server, on behalf of the browser whose cookies it
 * forwards. Never throws for what the API or the network does: every outcome
 * is a value the caller must handle (signed out, unavailable, rejected).
 */
import type { z } from "zod";
import { apiErrorSchema } from "./schemas.js";

/** Pages wait at most this long: Heroku's router gives up on the whole request at 30 s. */
export const API_TIMEOUT_MS = 8_000;

export interface ApiRequest<T> {
  readonly method?: "GET" | "POST" | "DELETE";
  /** Path under the API's base URL, e.g. `/api/v1/me`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number>>;
  /** The browser's `Cookie` header, forwarded as is. */
  readonly cookie: string;
  /** Heroku's request id, so the API's log lines match ours. */
  readonly requestId: string;
  /** How the success body must look; `null` for answers without one (204). */
  readonly schema: z.ZodType<T> | null;
}

export interface ApiTarget {
  /** threads-api's base URL (`NEXT_PUBLIC_API_BASE_URL`). */
  readonly baseUrl: string;
  /** This site's origin: the API accepts cookie-authenticated writes only from listed origins. */
  readonly siteOrigin: string;
  readonly timeoutMs?: number;
}

export type ApiResult<T> =
  | { readonly ok: true; readonly data: T; readonly setCookies: readonly string[] }
  /** 401: no session, an expired access token or a reused refresh token (`code` says which). */
  | { readonly ok: false; readonly kind: "unauthenticated"; readonly code: string; readonly setCookies: readonly string[] }
  /** The API could not answer now (network, timeout, 429, 5xx, an answer of the wrong shape). */
  | { readonly ok: false; readonly kind: "unavailable"; readonly reason: string; readonly retryAfterSeconds?: number }
  /** Any other 4xx: the request itself was wrong. */
  | { readonly ok: false; readonly kind: "rejected"; readonly status: number; readonly code: string; readonly message: string };

export async function callApi<T>(target: ApiTarget, request: ApiRequest<T>): Promise<ApiResult<T>> {
  const method = request.method ?? "GET";
  const url = new URL(request.path, `${target.baseUrl}/`);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { accept: "application/json", "x-request-id": request.requestId };
  if (request.cookie !== "") headers.cookie = request.cookie;
  if (method !== "GET") headers.origin = target.siteOrigin;

  let response: Response;
  try {
    response = await fetch(url, { method, headers, redirect: "manual", signal: AbortSignal.timeout(target.timeoutMs ?? API_TIMEOUT_MS) });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "could not connect";
    return { ok: false, kind: "unavailable", reason: `${method} ${request.path}: ${reason}` };
  }
  const setCookies = response.headers.getSetCookie();
  const body = await readJson(response);

  if (response.ok) {
    if (request.schema === null) return { ok: true, data: undefined as T, setCookies };
    const parsed = request.schema.safeParse(body);
    if (parsed.success) return { ok: true, data: parsed.data, setCookies };
    const where = parsed.error.issues[0]?.path.join(".") || "body";
    return { ok: false, kind: "unavailable", reason: `${method} ${request.path}: unexpected answer (${where})` };
  }
  const error = apiErrorSchema.safeParse(body);
  const code = error.success ? error.data.error : `http_${response.status}`;
  if (response.status === 401) return { ok: false, kind: "unauthenticated", code, setCookies };
  if (response.status === 429 || response.status >= 500) {
    const retryAfter = Number(response.headers.get("retry-after"));
    return {
      ok: false,
      kind: "unavailable",
      reason: `${method} ${request.path}: ${response.status} ${code}`,
      ...(Number.isInteger(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  const message = error.success ? (error.data.message ?? code) : `HTTP ${response.status}`;
  return { ok: false, kind: "rejected", status: response.status, code, message };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}
