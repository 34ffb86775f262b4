/**
 * Loads the server bundle `next build` wrote to .next/standalone, as the
 * server.js generated there would, but hands back its request handler so
 * dist/server.js owns the HTTP server (logs, keep-alive, SIGTERM → exit 0).
 * `next` is required from the bundle's own traced node_modules: the slug
 * needs no other copy of Next.js.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { RequestHandler } from "./http-server.js";

/** The part of Next.js's custom-server API (`next(options)`) this file uses. */
interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): RequestHandler;
  close(): Promise<void>;
}
type CreateNextServer = (options: { dev: false; dir: string; hostname: string; port: number; quiet: boolean }) => NextServer;

export interface NextApp {
  readonly handle: RequestHandler;
  close(): Promise<void>;
}

export interface NextAppOptions {
  /** The `.next/standalone` folder. */
  readonly dir: string;
  readonly port: number;
}

export async function loadNextApp(options: NextAppOptions): Promise<NextApp> {
  const serverFiles = path.join(options.dir, ".next", "required-server-files.json");
  if (!fs.existsSync(serverFiles)) {
    throw new Error(`${serverFiles} is missing: run \`npm run build\` first (next build with output "standalone").`);
  }
  const { config } = JSON.parse(fs.readFileSync(serverFiles, "utf8")) as { config: unknown };
  // What the generated server.js does: the bundle runs as production from its own folder,
  // with the config serialised at build (next.config.ts is not shipped).
  Object.assign(process.env, { NODE_ENV: "production", __NEXT_PRIVATE_STANDALONE_CONFIG: JSON.stringify(config) });
  process.chdir(options.dir);

  const requireFromBundle = createRequire(path.join(options.dir, "server.js"));
  const createNext = requireFromBundle("next") as CreateNextServer;
  const app = createNext({ dev: false, dir: options.dir, hostname: "0.0.0.0", port: options.port, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { handle: (request, response) => handle(request, response), close: () => app.close() };
}
