/**
 * The web process's last step: listen on 0.0.0.0:$PORT and, on SIGTERM, stop
 * accepting, let requests in flight finish, close the app's resources and exit 0.
 */
import type { FastifyInstance } from "fastify";
import { onShutdown, type ProcessLogger } from "../shutdown.js";

export interface ServeOptions {
  readonly port: number;
  /** @default "0.0.0.0" (Heroku routes to every interface) */
  readonly host?: string;
  /** Logged with the "listening" line (stack, schema…; never a secret). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

export async function serve(app: FastifyInstance, logger: ProcessLogger, options: ServeOptions): Promise<void> {
  onShutdown(() => app.close(), { logger });
  try {
    await app.listen({ host: options.host ?? "0.0.0.0", port: options.port });
    // The usual advice behind a load balancer: headers timeout above the keep-alive timeout.
    app.server.headersTimeout = app.server.keepAliveTimeout + 1_000;
    logger.info({ port: options.port, ...options.fields }, "listening");
  } catch (error) {
    logger.fatal({ err: error }, "could not start listening");
    await app.close().catch(() => undefined);
    process.exit(1);
  }
}
