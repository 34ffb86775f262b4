/**
 * One-off command (`heroku run node dist/reencrypt.js`): re-encrypts every
 * stored token under the newest ENCRYPTION_KEY and reports the counts, so the
 * older keys can then be dropped. Safe to run again, and alongside the app.
 */
import { parseArgs } from "node:util";
import { createPool } from "./db.js";
import { APP_NAME, loadEnv } from "./env.js";
import { FernetKeyring } from "./fernet.js";
import { createLogger } from "./logger.js";
import { runJob } from "./shared/job.js";
import { reencryptAllTokens } from "./token-reencryption.js";
import { UserRepository } from "./users.js";

const HELP = `Usage: node dist/reencrypt.js [--batch-size <rows>]   (npm run reencrypt -- …)

Re-encrypts every row of user_tokens under the first (newest) key of
ENCRYPTION_KEY. Rows already under it are left alone; rows no configured key
opens are reported by user id (those users log in again). Prints one JSON log
line per batch and a final line with the counts. Reads the app's environment.

  --batch-size  rows per round trip (default 100)
  --help        this text`;

const { values } = parseArgs({ options: { "batch-size": { type: "string", default: "100" }, help: { type: "boolean", default: false } } });
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const batchSize = Number(values["batch-size"]);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  process.stderr.write("--batch-size must be a whole number from 1 to 10000\n");
  process.exit(2);
}

await runJob({
  app: APP_NAME,
  name: "reencrypt",
  loadEnv: () => loadEnv(process.env),
  createLogger: (env) => createLogger(env.LOG_LEVEL),
  open(env, logger) {
    const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
    return { pool, close: () => pool.end() };
  },
  failure: "re-encryption failed",
  async work({ env, logger, pool, stop }) {
    const report = await reencryptAllTokens(new UserRepository(pool, new FernetKeyring(env.ENCRYPTION_KEY)), { logger, batchSize, signal: stop });
    logger.info(report, report.complete ? "re-encryption finished" : "re-encryption stopped early; run it again to finish");
    return report.complete ? 0 : 1;
  },
});
