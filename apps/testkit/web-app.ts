/** The app under test, built in-process and listening on loopback. */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly server: FastifyInstance;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (`port` 0: any free port) and says where. */
export async function listenOnLoopback(server: FastifyInstance, port = 0): Promise<RunningApp> {
  await server.listen({ host: "127.0.0.1", port });
  const { port: bound } = server.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, server, close: () => server.close() };
}
