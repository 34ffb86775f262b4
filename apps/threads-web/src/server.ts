/**
 * The web process: validate the environment, listen on 0.0.0.0:$PORT at once,
 * then load the Next.js bundle (requests wait for it); on SIGTERM stop
 * accepting, let requests in flight finish, exit 0.
 */
import path from "node:path";
import { loadEnv } from "./env.js";
import { createHttpServer, type RequestHandler } from "./http-server.js";
import { loadNextApp, type NextApp } from "./next-handler.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { createLogger } from "./shared/log.js";
import { onShutdown } from "./shared/shutdown.js";

const env = exitOnInvalidEnv("threads-web", () => loadEnv(process.env));
const logger = createLogger({ app: "threads-web", level: env.LOG_LEVEL, base: { env: env.APP_ENV, dyno: env.DYNO } });
const bundleDir = path.resolve(import.meta.dirname, "..", ".next", "standalone");

let nextApp: NextApp | undefined;
const { promise: handler, resolve: handlerReady } = Promise.withResolvers<RequestHandler>();
const http = createHttpServer({ logger, handler });

onShutdown(async () => {
  await http.close();
  await nextApp?.close();
}, { logger });

http.server.on("error", (error) => {
  logger.fatal({ err: error, port: env.PORT }, "could not start listening");
  process.exit(1);
});
http.server.listen(env.PORT, "0.0.0.0", () => {
  logger.info({ port: env.PORT, appEnv: env.APP_ENV }, "listening");
  // Loading Next.js takes a moment (much of it synchronous require): only once the port is bound.
  loadNextApp({ dir: bundleDir, port: env.PORT }).then(
    (app) => {
      nextApp = app;
      handlerReady(app.handle);
      logger.info("ready");
    },
    (error: unknown) => {
      logger.fatal({ err: error }, "could not load the Next.js bundle");
      process.exit(1);
    },
  );
});
