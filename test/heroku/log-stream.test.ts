/**
 * Reading a Logplex session line by line: lines split across chunks, plain
 * text or Server-Sent Events, and every way a read ends — stopped by the
 * reader, closed by the server, silent too long, refused, or dropped.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLogStream } from "../../components/heroku/log-stream";

type Route = (res: ServerResponse) => void;
const routes = new Map<string, Route>();
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes.get(req.url ?? "");
    if (!route) {
      res.writeHead(404).end("Session not found or expired\n");
      return;
    }
    route(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function read(path: string, route: Route, stopAt?: string, idleMs = 2_000): Promise<{ lines: string[]; end: Awaited<ReturnType<typeof readLogStream>> }> {
  routes.set(path, route);
  const lines: string[] = [];
  const end = await readLogStream(`${base}${path}`, {
    idleMs,
    onLine: (line) => {
      lines.push(line);
      return line === stopAt;
    },
  });
  return { lines, end };
}

describe("readLogStream", () => {
  it("joins lines split across chunks and reports a server that closes", async () => {
    const { lines, end } = await read("/plain", (res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("2026-01-01T00:00:00.000001+00:00 app[run.1]: fir");
      setTimeout(() => res.end("st\r\n2026-01-01T00:00:00.000002+00:00 app[run.1]: second\n\nlast without newline"), 10);
    });
    expect(lines).toEqual(["2026-01-01T00:00:00.000001+00:00 app[run.1]: first", "2026-01-01T00:00:00.000002+00:00 app[run.1]: second", "last without newline"]);
    expect(end).toEqual({ kind: "closed" });
  });

  it("reads Server-Sent Events by their data fields", async () => {
    const { lines } = await read("/sse", (res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.end(": keep-alive\nid: 1\ndata: 2026-01-01T00:00:00.000001+00:00 heroku[run.1]: Process exited with status 0\n\nevent: message\ndata:x\n\n");
    });
    expect(lines).toEqual(["2026-01-01T00:00:00.000001+00:00 heroku[run.1]: Process exited with status 0", "x"]);
  });

  it("stops when the reader says so, though the stream goes on", async () => {
    const { lines, end } = await read("/tail", (res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("a\nb\nc\n");
    }, "b");
    expect(lines).toEqual(["a", "b"]);
    expect(end).toEqual({ kind: "stopped" });
  });

  it("gives up on a silent stream, a refused session and a dropped connection", async () => {
    const silent = await read("/silent", (res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("only line\n");
    }, undefined, 80);
    expect(silent).toEqual({ lines: ["only line"], end: { kind: "idle" } });
    expect((await readLogStream(`${base}/expired`, { idleMs: 1_000, onLine: () => false }))).toEqual({ kind: "failed", detail: "the log session answered 404" });
    const dropped = await read("/drop", (res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("before the drop\n");
      setTimeout(() => res.socket?.destroy(), 10);
    });
    expect(dropped.lines).toEqual(["before the drop"]);
    expect(dropped.end.kind).toBe("failed");
  });
});
