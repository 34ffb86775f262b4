/**
 * The part every fake third-party API shares: a real HTTP server on
 * loopback that the app's own client talks to, reading request bodies and
 * writing JSON answers. A fake that throws (a bug in the fake, not in the
 * app) answers 500 so the test fails where the fake broke.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export class LoopbackServer {
  readonly #server: Server;
  #origin = "";

  private constructor(handle: RequestHandler) {
    this.#server = createServer((request, response) => {
      handle(request, response).catch((error: unknown) => sendJson(response, 500, { error: { type: "fake_bug", message: String(error) } }));
    });
  }

  /** Listens on 127.0.0.1:`port` (0: any free port). */
  static async start(handle: RequestHandler, port = 0): Promise<LoopbackServer> {
    const server = new LoopbackServer(handle);
    await new Promise<void>((resolve) => server.#server.listen(port, "127.0.0.1", resolve));
    server.#origin = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return this.#origin;
  }

  /** Ends every connection (a stalled request included) and stops listening. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Writes `body` as JSON; `headers` may replace the content type (`application/json; charset=utf-8`). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
