/**
 * How OpenAI (and every OpenAI-compatible API: chat, moderation, embeddings)
 * words its errors, for the fakes of those APIs: `{"error":{message, type,
 * param, code}}` bodies and the refusals every endpoint shares.
 */
import type { IncomingHttpHeaders } from "node:http";

export interface OpenAiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
}

export function openAiError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

/** Whether the request sends `Authorization: Bearer <key>`. */
export function hasApiKey(headers: IncomingHttpHeaders, key: string): boolean {
  return headers.authorization === `Bearer ${key}`;
}

/** The 401 body for a key OpenAI does not know, the key masked as OpenAI masks it (never whole). */
export function invalidApiKey(headers: IncomingHttpHeaders): OpenAiErrorBody {
  const given = String(headers.authorization ?? "").replace(/^Bearer /, "");
  return openAiError(
    `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    "invalid_request_error",
    "invalid_api_key",
  );
}

/** The 404 body for a method and path the API does not have. */
export function invalidUrl(method: string | undefined, path: string): OpenAiErrorBody {
  return openAiError(`Invalid URL (${method ?? "GET"} ${path})`, "invalid_request_error");
}

/** 429 while the requests-per-minute limit holds (sent with Retry-After). */
export const RATE_LIMITED = openAiError("Rate limit reached for requests", "requests", "rate_limit_exceeded");

/** 5xx. */
export const SERVER_ERROR = openAiError("The server had an error while processing your request. Sorry about that!", "server_error");
