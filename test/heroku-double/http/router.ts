/**
 * A small method + path router. Patterns use `:name` segments; a matched
 * segment is URL-decoded (log-drain URLs travel encoded in the path).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { World } from "../state";

export interface RequestContext {
  readonly world: World;
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none). */
  readonly body: unknown;
  readonly rawBody: Buffer;
}

export interface Reply {
  readonly status: number;
  /** Serialised as JSON unless `text` is set. */
  readonly json?: unknown;
  readonly text?: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A streamed answer (a tailed log): the head is sent at once, without a
   * Content-Length, and the function writes the body over time.
   */
  readonly stream?: (sink: StreamSink) => void;
}

/** The body of a streamed answer. */
export interface StreamSink {
  /** Writes a chunk; false once the connection is gone. */
  write(text: string): boolean;
  /** Ends the answer normally. */
  end(): void;
  /** Destroys the connection mid-answer (a stream that drops). */
  destroy(): void;
  /** Called once when the connection closes, however it closes. */
  onClose(listener: () => void): void;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export type RouteMatch =
  | { readonly kind: "found"; readonly handler: Handler; readonly pattern: string; readonly params: Record<string, string> }
  | { readonly kind: "method-not-allowed" }
  | { readonly kind: "none" };

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, segments: splitPath(pattern), handler });
    return this;
  }

  /** Method and pattern of every route, in the order added. */
  list(): Array<{ readonly method: string; readonly pattern: string }> {
    return this.routes.map(({ method, pattern }) => ({ method, pattern }));
  }

  get(pattern: string, handler: Handler): this {
    return this.add("GET", pattern, handler);
  }
  post(pattern: string, handler: Handler): this {
    return this.add("POST", pattern, handler);
  }
  patch(pattern: string, handler: Handler): this {
    return this.add("PATCH", pattern, handler);
  }
  put(pattern: string, handler: Handler): this {
    return this.add("PUT", pattern, handler);
  }
  delete(pattern: string, handler: Handler): this {
    return this.add("DELETE", pattern, handler);
  }

  match(method: string, path: string): RouteMatch {
    const segments = splitPath(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { kind: "found", handler: route.handler, pattern: route.pattern, params };
    }
    return pathMatched ? { kind: "method-not-allowed" } : { kind: "none" };
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? "";
    const a = actual[i] ?? "";
    if (p.startsWith(":")) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return null;
      }
    } else if (p !== a) {
      return null;
    }
  }
  return params;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body };
}
