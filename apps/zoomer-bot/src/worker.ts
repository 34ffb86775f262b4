/**
 * The worker process: validate the environment, refuse to be a second
 * Telegram client, build the bot, listen; report ready and a heartbeat in the
 * log. On SIGTERM the post in hand finishes (or is left recorded for the next
 * boot), the session is saved, the pool closes, exit 0.
 */
import { Bot } from "./app.js";
import { loadEnv } from "./env.js";
import { APP_NAME, createLogger } from "./logger.js";
import { startupProblem } from "./startup-errors.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { onShutdown } from "./shared/shutdown.js";

const env = exitOnInvalidEnv(APP_NAME, () => loadEnv(process.env));
const logger = createLogger(env.LOG_LEVEL, { env: env.APP_ENV, dyno: env.DYNO });

if (env.DYNO !== undefined && env.DYNO !== "worker.1") {
  logger.fatal({ dyno: env.DYNO }, `only worker.1 runs the bot (one Telegram session, one client): this is ${env.DYNO}; scale the worker to 1`);
  process.exit(1);
}

let bot: Bot | undefined;
try {
  bot = await Bot.create({ env, logger });
  const running = bot;
  onShutdown(() => running.stop(), { logger });
  await running.start();
} catch (error) {
  const problem = startupProblem(error);
  logger.fatal({ err: problem.logError ? error : undefined, ...problem.fields }, problem.message);
  await bot?.stop().catch(() => undefined);
  process.exit(1);
}
