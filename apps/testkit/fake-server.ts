/**
 * The part every fake third-party API shares: a real HTTP server on
 * loopback that the app's own client talks to, reading request bodies and
 * writing JSON answers. A fake extends FakeHttpServer, answers in `serve` and
 * starts with `listen`; one that throws (a bug in the fake, not in the app)
 * answers 500, so the test fails where the fake broke.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export abstract class FakeHttpServer {
  #server: Server | undefined;
  #origin = "";

  /** Listens on 127.0.0.1:`port` (0: any free port); the fake's `start` calls it once. */
  protected async listen(port = 0): Promise<void> {
    const server = createServer((request, response) => {
      this.serve(request, response).catch((error: unknown) => sendJson(response, 500, { error: { type: "fake_bug", message: String(error) } }));
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return this.#origin;
  }

  /** Ends every connection (a stalled request included) and stops listening. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Answers one request. */
  protected abstract serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
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
