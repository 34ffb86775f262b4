/**
 * The web process: validate the environment, build the app, listen on
 * 0.0.0.0:$PORT; on SIGTERM finish requests in flight, close the pool, exit 0.
 */
import { buildApp } from "./app.js";
import { loadEnv } from "./env.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { serve } from "./shared/web/serve.js";

const env = exitOnInvalidEnv("steam-reviews", () => loadEnv(process.env));
const app = await buildApp({ env });
await serve(app, app.log, { port: env.PORT, fields: { appEnv: env.APP_ENV, schema: env.DATABASE_SCHEMA } });
