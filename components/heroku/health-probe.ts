/**
 * One GET of an app's health URL, as the smoke check after a release makes
 * it: redirects are not followed (a health path must answer by itself; a
 * redirect to a login page or another host would test something else),
 * the body is read up to a bound, and every outcome — an answer, a timeout,
 * a refused connection — is described in words.
 */

/** What one GET got. */
export type ProbeResult =
  | { readonly kind: "answer"; readonly status: number; readonly statusText: string; readonly location: string | undefined; readonly body: string }
  | { readonly kind: "no-answer"; readonly reason: string };

/** Bytes of a body read at most (health bodies are small; an error page may not be). */
const MAX_BODY_BYTES = 64 * 1024;

export async function probeOnce(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const response = await fetch(url, {
      method: "GET",
      redirect: "manual",
      headers: { Accept: "application/json, text/plain;q=0.9, */*;q=0.1", "User-Agent": "fleet-smoke-check/1.0" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await readBounded(response);
    return { kind: "answer", status: response.status, statusText: response.statusText, location: response.headers.get("location") ?? undefined, body };
  } catch (error) {
    return { kind: "no-answer", reason: failureReason(error, timeoutMs) };
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8");
}

function failureReason(error: unknown, timeoutMs: number): string {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === "TimeoutError" || err.name === "AbortError") return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  const cause = (err as Error & { cause?: unknown }).cause;
  const code = cause !== null && typeof cause === "object" && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  const detail = cause instanceof Error ? cause.message : err.message;
  return code ? `${code} (${detail})` : detail;
}

/** The release a health body names (`{"release": "v42"}` → 42), when it names one. */
export function namedRelease(body: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const release = (parsed as Record<string, unknown>)["release"];
  const match = typeof release === "string" ? /^v?(\d+)$/.exec(release) : undefined;
  return match ? Number(match[1]) : undefined;
}

/** `503 Service Unavailable`, `302 Found → https://…`, `no answer within 10 s`. */
export function describeProbe(result: ProbeResult): string {
  if (result.kind === "no-answer") return result.reason;
  const status = `${result.status}${result.statusText ? ` ${result.statusText}` : ""}`;
  return result.location !== undefined ? `${status} → ${result.location}` : status;
}
