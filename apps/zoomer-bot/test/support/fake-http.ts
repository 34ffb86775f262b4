/**
 * The part every fake API shares: a real HTTP server on loopback, recorded
 * requests, and scripted faults (the next N requests to a path answer with a
 * status, an error body and optional Retry-After) or a stall.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
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

export abstract class FakeApi {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #faults = new Map<string, Fault[]>();
  #stalled = new Set<string>();
  #url = "";

  protected constructor() {
    this.#server = createServer((request, response) => {
      this.#receive(request, response).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { type: "fake_bug", message: String(error) } }));
      });
    });
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get origin(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

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
  protected abstract handle(request: RecordedRequest): Reply;

  async #receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = undefined;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const path = (request.url ?? "/").split("?")[0]!;
    const recorded: RecordedRequest = { method: request.method ?? "GET", path, headers: request.headers, body };
    this.requests.push(recorded);
    if (this.#stalled.has(path)) return; // the client's deadline or abort ends it
    const requestId = `req_${randomBytes(6).toString("hex")}`;
    const fault = this.#faults.get(path)?.shift();
    const reply: Reply = fault
      ? { status: fault.status, body: this.errorBody(fault), headers: fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {} }
      : this.handle(recorded);
    response.writeHead(reply.status, { "content-type": "application/json", [this.requestIdHeader]: requestId, ...reply.headers });
    response.end(JSON.stringify(reply.body));
  }
}
