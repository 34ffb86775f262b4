/**
 * The HTTP side of the double: one node:http listener per Heroku host, each
 * with that host's header rules, auth, rate limit and error shape, all
 * sharing one World. Every request is logged, checked against the fault
 * rules, then routed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ApiError } from "../errors";
import type { FaultControl, FaultKind, HostName } from "../faults";
import type { Link } from "../links";
import type { World } from "../state";
import { unknownAnswerFields } from "./answer-shape";
import { requestProblem } from "./request-shape";
import type { Reply, RequestContext, Router, StreamSink } from "./router";

export type AuthKind = "bearer" | "basic" | "none" | "invalid";

/** One entry per request the double received, in arrival order. */
export interface RequestLogEntry {
  readonly seq: number;
  readonly host: HostName;
  readonly method: string;
  readonly path: string;
  /** The query string without `?` ("" when none). */
  readonly query: string;
  /** Request headers, lower-cased, without `authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly auth: AuthKind;
  /** Parsed JSON body, or undefined (raw bytes on the blob host are not kept here). */
  readonly body: unknown;
  /** Status sent; null when the connection was dropped before any answer. */
  status: number | null;
  /** Status the handler produced even if it was never delivered (commit-then-drop). */
  handledStatus: number | null;
  fault: FaultKind | null;
  requestId: string | null;
  /** False when the client had gone before the answer could be written (timeouts). */
  delivered: boolean;
  readonly at: number;
  durationMs: number;
}

/** A request the link table refused (answered 422 `invalid_params`): a client sent what the API does not accept. */
export interface RequestViolation {
  readonly seq: number;
  readonly host: HostName;
  readonly method: string;
  /** The route pattern (`/apps/:app/formation`), so no name or secret from the path shows. */
  readonly link: string;
  readonly problem: string;
}

export interface HostSpec {
  readonly name: HostName;
  readonly router: Router;
  /** What each route's requests may carry and answers may show; null for a host that is not an API (blob storage). */
  readonly links: readonly Link[] | null;
  /** Header checks and auth before routing; return a Reply to refuse. */
  readonly guard: (req: IncomingMessage, auth: AuthKind) => Reply | null;
  readonly renderError: (error: ApiError) => Reply;
  /** Extra headers on every response (Request-Id, RateLimit-Remaining…). */
  readonly responseHeaders: (requestId: string) => Record<string, string>;
  readonly parseJson: boolean;
}

export interface ServerDeps {
  readonly world: World;
  readonly faults: FaultControl;
  readonly token: string;
  readonly log: RequestLogEntry[];
  readonly internalErrors: Error[];
  readonly violations: RequestViolation[];
}

export interface RunningHost {
  readonly url: string;
  close(): Promise<void>;
}

export function authOf(req: IncomingMessage, token: string): AuthKind {
  const header = req.headers["authorization"];
  if (!header) return "none";
  const [scheme, value = ""] = header.split(" ", 2);
  if (scheme?.toLowerCase() === "bearer") return value === token ? "bearer" : "invalid";
  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const password = decoded.slice(decoded.indexOf(":") + 1);
    return decoded.includes(":") && password === token ? "basic" : "invalid";
  }
  return "invalid";
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(null));
    req.on("aborted", () => resolve(null));
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k === "authorization" || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function send(res: ServerResponse, reply: Reply, extra: Record<string, string>): void {
  const headers: Record<string, string> = { ...extra, ...(reply.headers ?? {}) };
  if (reply.stream) {
    if (reply.contentType) headers["Content-Type"] = reply.contentType;
    res.writeHead(reply.status, headers);
    res.flushHeaders();
    reply.stream(streamSink(res));
    return;
  }
  let payload: Buffer;
  if (reply.text !== undefined) {
    payload = Buffer.isBuffer(reply.text) ? reply.text : Buffer.from(reply.text, "utf8");
    if (reply.contentType) headers["Content-Type"] = reply.contentType;
  } else if (reply.json !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.json), "utf8");
    headers["Content-Type"] = reply.contentType ?? headers["Content-Type"] ?? "application/json; charset=utf-8";
  } else {
    payload = Buffer.alloc(0);
  }
  headers["Content-Length"] = String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function streamSink(res: ServerResponse): StreamSink {
  return {
    write: (text) => {
      if (res.destroyed || res.writableEnded) return false;
      res.write(text);
      return true;
    },
    end: () => {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
    destroy: () => {
      res.socket?.destroy();
      res.destroy();
    },
    onClose: (listener) => {
      res.once("close", listener);
    },
  };
}

const NOT_FOUND_ROUTE =
  "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intended version with the `Accept` header?";

/** The table rows of a host's routes, by `METHOD pattern`; a route without a row is a bug of the double. */
function linkIndex(spec: HostSpec): Map<string, Link> | null {
  if (spec.links === null) return null;
  const index = new Map(spec.links.map((link) => [`${link.method} ${link.path}`, link]));
  const uncovered = spec.router.list().filter((route) => !index.has(`${route.method} ${route.pattern}`));
  if (uncovered.length > 0) {
    throw new Error(`heroku double: ${spec.name} routes without a row in links.ts: ${uncovered.map((r) => `${r.method} ${r.pattern}`).join(", ")}`);
  }
  return index;
}

/** Runs the handler once the link table accepts the request; refuses it (422) otherwise, and checks the answer's fields. */
async function handleRouted(spec: HostSpec, deps: ServerDeps, link: Link | undefined, entry: RequestLogEntry, handler: () => Promise<Reply>): Promise<Reply> {
  if (link === undefined) return handler();
  const problem = requestProblem(link.request, entry.body === undefined ? {} : entry.body);
  if (problem !== null) {
    deps.violations.push({ seq: entry.seq, host: spec.name, method: entry.method, link: link.path, problem });
    return spec.renderError(new ApiError(422, "invalid_params", problem));
  }
  const reply = await handler();
  if (link.answer === null || reply.status < 200 || reply.status >= 300 || reply.json === undefined) return reply;
  const unknown = unknownAnswerFields(link.answer, reply.json);
  if (unknown.length === 0) return reply;
  const failure = new Error(`answer of ${entry.method} ${link.path} carries fields the schema does not list: ${unknown.slice(0, 5).join(", ")}`);
  deps.internalErrors.push(failure);
  return spec.renderError(new ApiError(500, "internal_server_error", `heroku double bug: ${failure.message}`));
}

export async function startHost(spec: HostSpec, deps: ServerDeps): Promise<RunningHost> {
  const links = linkIndex(spec);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const rawBody = await readBody(req);
    if (rawBody === null || closing) return;
    const url = new URL(req.url ?? "/", "http://double.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const { world, faults } = deps;
    world.requestCount++;
    world.advance();
    const auth = authOf(req, deps.token);
    let body: unknown;
    let badJson = false;
    if (spec.parseJson && rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        badJson = true;
      }
    }
    const clientRequestId = req.headers["request-id"];
    const requestId = typeof clientRequestId === "string" && /^[0-9a-f-]{36}$/i.test(clientRequestId) ? clientRequestId : world.uuid();
    const entry: RequestLogEntry = {
      seq: deps.log.length + 1,
      host: spec.name,
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      headers: headersOf(req),
      auth,
      body,
      status: null,
      handledStatus: null,
      fault: null,
      requestId: spec.name === "blob" ? null : requestId,
      delivered: false,
      at: started,
      durationMs: 0,
    };
    deps.log.push(entry);
    const finish = (reply: Reply | null): void => {
      entry.durationMs = Date.now() - started;
      if (reply === null || res.destroyed || req.socket.destroyed) {
        req.socket.destroy();
        return;
      }
      entry.status = reply.status;
      entry.delivered = true;
      const headers = spec.responseHeaders(requestId);
      // An injected 429 looks like an exhausted bucket.
      if (entry.fault === 429 && "RateLimit-Remaining" in headers) headers["RateLimit-Remaining"] = "0";
      send(res, reply, headers);
    };

    const decision = faults.decide({ seq: entry.seq, host: spec.name, method, path: url.pathname });
    entry.fault = decision?.kind ?? null;
    if (decision?.kind === "drop") return finish(null);
    if (decision && typeof decision.kind === "number") {
      const ids: Record<number, [string, string]> = {
        404: ["not_found", "Couldn't find that record."],
        429: ["rate_limit", "Your account reached the API rate limit\nPlease wait a few minutes before making new requests"],
        500: ["internal_server_error", "Internal server error."],
        503: ["service_unavailable", "The service is temporarily unavailable. Please try again later."],
      };
      const [id, message] = ids[decision.kind] ?? ["internal_server_error", "Internal server error."];
      return finish(spec.renderError(new ApiError(decision.kind, id, message)));
    }

    let reply: Reply;
    try {
      const refused = spec.guard(req, auth);
      if (refused) {
        reply = refused;
      } else if (badJson) {
        reply = spec.renderError(new ApiError(400, "bad_request", "Request body is not valid JSON."));
      } else {
        const match = spec.router.match(method, url.pathname);
        if (match.kind !== "found") {
          reply = spec.renderError(new ApiError(404, "not_found", NOT_FOUND_ROUTE));
        } else {
          const ctx: RequestContext = {
            world,
            method,
            path: url.pathname,
            params: match.params,
            query: url.searchParams,
            headers: req.headers,
            body,
            rawBody,
          };
          const link = links?.get(`${method} ${match.pattern}`);
          reply = await handleRouted(spec, deps, link, entry, async () => match.handler(ctx));
        }
      }
    } catch (error) {
      if (error instanceof ApiError) {
        reply = spec.renderError(error);
      } else {
        const failure = error instanceof Error ? error : new Error(String(error));
        deps.internalErrors.push(failure);
        reply = spec.renderError(new ApiError(500, "internal_server_error", `heroku double bug: ${failure.message}`));
      }
    }
    entry.handledStatus = reply.status;
    if (decision?.kind === "commit-then-drop") return finish(null);
    if (decision?.kind === "slow") {
      const timer = setTimeout(() => {
        timers.delete(timer);
        finish(reply);
      }, decision.delayMs);
      timers.add(timer);
      return;
    }
    finish(reply);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.internalErrors.push(error instanceof Error ? error : new Error(String(error)));
      res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
