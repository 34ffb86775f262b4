/**
 * One JSON request to an HTTP API: a deadline, the caller's abort signal, the
 * answer validated with zod, and every failure as an ApiError.
 */
import type { z } from "zod";
import { retryAfterMs } from "../shared/http/retry.js";
import { withDeadline } from "../shared/http/sleep.js";
import { ApiError, networkError } from "./api-error.js";

export type Fetch = typeof globalThis.fetch;

/** How an API words its errors: the error's type and message from the body, the request id from the headers. */
export interface ErrorReader {
  readonly api: string;
  readonly requestIdHeader: string;
  readonly read: (body: unknown) => { type?: string | undefined; message?: string | undefined };
}

export interface JsonRequest {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly fetch: Fetch;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 300);
  }
}

export async function requestJson<S extends z.ZodType>(request: JsonRequest, schema: S, errors: ErrorReader): Promise<z.output<S>> {
  const signal = withDeadline(request.signal, request.timeoutMs);
  let response: Response;
  let body: unknown;
  try {
    response = await request.fetch(request.url, {
      method: request.method,
      headers: { accept: "application/json", ...(request.body !== undefined ? { "content-type": "application/json" } : {}), ...request.headers },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal,
    });
    body = await readBody(response);
  } catch (error) {
    // The caller's abort (shutdown) is not the API's fault: let it through as it is.
    if (request.signal?.aborted) throw request.signal.reason;
    throw networkError(errors.api, error);
  }
  const requestId = response.headers.get(errors.requestIdHeader) ?? undefined;
  if (!response.ok) {
    const described = errors.read(body);
    throw new ApiError({
      api: errors.api,
      status: response.status,
      errorType: described.type ?? `http_${response.status}`,
      message: described.message ?? (typeof body === "string" && body !== "" ? body : response.statusText),
      requestId,
      retryAfterMs: retryAfterMs(response.headers),
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues[0];
    throw new ApiError({
      api: errors.api,
      status: response.status,
      errorType: "invalid_response",
      message: `unexpected answer shape at ${where?.path.join(".") || "(root)"}: ${where?.message ?? "invalid"}`,
      requestId,
    });
  }
  return parsed.data;
}
