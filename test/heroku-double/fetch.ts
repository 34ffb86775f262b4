/**
 * A bare HTTP helper for tests that talk to the double directly (the double's
 * own tests, and fixtures). Not a Heroku client: no retries, no pagination.
 */
import type { HerokuDouble, HostName } from "./index";

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  readonly body: unknown;
  readonly text: string;
}

export interface RawRequest {
  readonly host?: HostName;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send no Authorization header. */
  readonly anonymous?: boolean;
}

const ACCEPT: Record<HostName, string> = {
  platform: "application/vnd.heroku+json; version=3",
  data: "application/vnd.heroku+json; version=3",
  scheduler: "application/vnd.api+json",
  blob: "*/*",
};

export async function call(double: HerokuDouble, method: string, path: string, request: RawRequest = {}): Promise<RawResponse> {
  const host = request.host ?? "platform";
  const headers: Record<string, string> = { Accept: ACCEPT[host] };
  if (!request.anonymous) headers["Authorization"] = `Bearer ${double.token}`;
  if (request.body !== undefined) headers["Content-Type"] = host === "scheduler" ? "application/vnd.api+json" : "application/json";
  Object.assign(headers, request.headers ?? {});
  const response = await fetch(`${double.urls[host]}${path}`, {
    method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Narrow an unknown JSON body to a record (throws when it is not one). */
export function record(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error(`expected a JSON object, got ${JSON.stringify(body)}`);
  return body as Record<string, unknown>;
}

export function records(body: unknown): Record<string, unknown>[] {
  if (!Array.isArray(body)) throw new Error(`expected a JSON array, got ${JSON.stringify(body)}`);
  return body.map(record);
}
