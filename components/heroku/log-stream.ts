/**
 * Reads a Logplex session (`logplex_url` of `POST /apps/{app}/log-sessions`)
 * line by line as it arrives. The URL carries the session, so no token is
 * sent. A tailed session never ends by itself: the reader stops when
 * `onLine` says so, when the stream closes or drops, or when nothing has
 * arrived for `idleMs` (a quiet process, or a connection that died without
 * closing) — the caller then decides whether to look again.
 */

/** How a read ended. */
export type StreamEnd =
  /** `onLine` asked to stop. */
  | { readonly kind: "stopped" }
  /** The server ended the answer (a session without tail ends after its history). */
  | { readonly kind: "closed" }
  /** Nothing arrived for `idleMs`. */
  | { readonly kind: "idle" }
  /** The session could not be read, or the connection broke mid-stream. */
  | { readonly kind: "failed"; readonly detail: string };

export interface StreamOptions {
  /** Give up on a stream that sends nothing for this long, connecting included. */
  readonly idleMs: number;
  /** Called for every complete line; return true to stop reading. */
  readonly onLine: (line: string) => boolean;
}

/** Reads `url` until `onLine` returns true or the stream ends; never throws. */
export async function readLogStream(url: string, options: StreamOptions): Promise<StreamEnd> {
  const controller = new AbortController();
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      controller.abort();
    }, options.idleMs);
  };
  arm();
  let buffered = "";
  try {
    const response = await fetch(url, { headers: { Accept: "text/plain" }, signal: controller.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: "failed", detail: `the log session answered ${response.status}` };
    }
    const decoder = new TextDecoder();
    const eventStream = (response.headers.get("content-type") ?? "").includes("text/event-stream");
    const lineOf = (raw: string): string | undefined => {
      if (!eventStream) return raw;
      const data = /^data: ?(.*)$/.exec(raw);
      return data ? data[1] : undefined;
    };
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      arm();
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const logLine = lineOf(line.replace(/\r$/, ""));
        // Leaving the loop cancels the body, which closes the connection.
        if (logLine !== undefined && logLine.trim() !== "" && options.onLine(logLine)) return { kind: "stopped" };
        newline = buffered.indexOf("\n");
      }
    }
    const last = lineOf(buffered.replace(/\r$/, ""));
    if (last !== undefined && last.trim() !== "" && options.onLine(last)) return { kind: "stopped" };
    return { kind: "closed" };
  } catch (error) {
    if (idle) return { kind: "idle" };
    const cause = error instanceof Error ? ((error as Error & { cause?: unknown }).cause ?? error) : error;
    return { kind: "failed", detail: cause instanceof Error ? cause.message : String(cause) };
  } finally {
    clearTimeout(timer);
  }
}
