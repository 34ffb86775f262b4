/**
 * The web process: validate the environment, build the app, listen on
 * 0.0.0.0:$PORT, then load the sentiment model (the first review waits for
 * it; listening does not). On SIGTERM finish requests in flight, close the
 * pool and Redis, exit 0.
 */
import { buildApp } from "./app.js";
import { loadEnv } from "./env.js";
import { APP_NAME } from "./logger.js";
import { SentimentAnalyzer } from "./sentiment.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { serve } from "./shared/web/serve.js";

const env = exitOnInvalidEnv(APP_NAME, () => loadEnv(process.env));
const sentiment = new SentimentAnalyzer();
const app = await buildApp({ env, sentiment });
await serve(app, app.log, { port: env.PORT, fields: { appEnv: env.APP_ENV, schema: env.DATABASE_SCHEMA } });
const started = performance.now();
await sentiment.load();
app.log.info({ ms: Math.round(performance.now() - started) }, "sentiment model loaded");
