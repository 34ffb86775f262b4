/**
 * A fake JSON API on loopback with what tests steer in every such fake:
 * recorded requests, scripted faults (the next N requests to a path answer
 * with a status, the API's error body and optional Retry-After) and stalls.
 * A fake names its error body and request-id header and answers the rest.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeHttpServer, readBody, sendJson } from "./fake-server.js";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  /** Parsed JSON, else the text; undefined when empty. */
  readonly body: unknown;
}

export interface Fault {
  readonly status: number;
  readonly type: string;
  readonly message?: string;
  /** Retry-After in seconds. */
  readonly retryAfter?: number;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export abstract class FakeApi extends FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  readonly #faults = new Map<string, Fault[]>();
  readonly #stalled = new Set<string>();

  /** The next `count` requests to `path` answer with `fault`. */
  failNext(path: string, fault: Fault, count = 1): void {
    this.#faults.set(path, [...(this.#faults.get(path) ?? []), ...Array<Fault>(count).fill(fault)]);
  }

  /** Requests to `path` never get an answer until `resume`. */
  stall(path: string): void {
    this.#stalled.add(path);
  }

  resume(path: string): void {
    this.#stalled.delete(path);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** The API's error body for a fault. */
  protected abstract errorBody(fault: Fault): unknown;
  protected abstract readonly requestIdHeader: string;
  protected abstract answer(request: RecordedRequest): Reply;

  protected override async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    let body: unknown = undefined;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const recorded: RecordedRequest = { method: request.method ?? "GET", path, headers: request.headers, body };
    this.requests.push(recorded);
    if (this.#stalled.has(path)) return; // the client's deadline or abort ends it
    const requestId = `req_${randomBytes(6).toString("hex")}`;
    const fault = this.#faults.get(path)?.shift();
    const reply: Reply = fault
      ? { status: fault.status, body: this.errorBody(fault), headers: fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {} }
      : this.answer(recorded);
    sendJson(response, reply.status, reply.body, { [this.requestIdHeader]: requestId, ...reply.headers });
  }
}
