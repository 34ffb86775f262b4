/**
 * The web process: validate the environment, build the app, listen on
 * 0.0.0.0:$PORT. On SIGTERM (Heroku's dyno stop) stop accepting, let
 * requests in flight finish, close the pool and exit 0 within 25 s.
 */
import { buildApp } from "./app.js";
import { exitOnInvalidEnv } from "./boot.js";
import { loadEnv } from "./env.js";

/** Heroku sends SIGKILL 30 s after SIGTERM; leave a margin. */
const SHUTDOWN_DEADLINE_MS = 25_000;

const env = exitOnInvalidEnv(() => loadEnv(process.env));
const app = await buildApp({ env });

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  app.log.info({ signal }, "shutting down: no new connections, finishing requests in flight");
  const deadline = setTimeout(() => {
    app.log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, "requests still in flight at the shutdown deadline; exiting anyway");
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  try {
    await app.close();
    app.log.info("shut down cleanly");
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

try {
  await app.listen({ host: "0.0.0.0", port: env.PORT });
  // The usual advice behind a load balancer: headers timeout above the keep-alive timeout.
  app.server.headersTimeout = app.server.keepAliveTimeout + 1_000;
  app.log.info({ port: env.PORT, appEnv: env.APP_ENV, schema: env.DATABASE_SCHEMA }, "listening");
} catch (error) {
  app.log.fatal({ err: error }, "could not start listening");
  await app.close().catch(() => undefined);
  process.exit(1);
}
