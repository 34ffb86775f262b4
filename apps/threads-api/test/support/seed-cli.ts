/**
 * Seeds a user with scored posts into the database named by DATABASE_URL
 * and DATABASE_SCHEMA (run with `.env` loaded), migrating it first:
 *
 *   set -a; . ./.env; set +a
 *   node --import tsx test/support/seed-cli.ts --username alice --posts 40
 *
 * The defaults match the fake Threads' alice, so signing in through
 * fake-threads-cli as alice shows these posts.
 */
import { parseArgs } from "node:util";
import { createPool } from "../../src/db.js";
import { loadEnv } from "../../src/env.js";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";
import { seedUser } from "./seed.js";

const HELP = `Usage: node --import tsx test/support/seed-cli.ts [options]   (with the app's environment loaded)

  --threads-user-id <id>  (default 17841400000000001: the fake Threads' alice)
  --username <name>       (default alice)
  --posts <n>             (default 40)
  --replies-per-post <n>  (default 2)
  --help                  this text`;

const { values } = parseArgs({
  options: {
    "threads-user-id": { type: "string", default: "17841400000000001" },
    username: { type: "string", default: "alice" },
    posts: { type: "string", default: "40" },
    "replies-per-post": { type: "string", default: "2" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const env = loadEnv(process.env);
await runMigrations(env, createLogger({ ...env, LOG_LEVEL: "warn" }));
const pool = createPool(env, () => undefined);
try {
  const userId = await seedUser(pool, {
    threadsUserId: values["threads-user-id"],
    username: values.username,
    posts: Number(values.posts),
    repliesPerPost: Number(values["replies-per-post"]),
    decayLambda: env.SCORING_DECAY_LAMBDA,
  });
  console.log(JSON.stringify({ userId, threadsUserId: values["threads-user-id"], username: values.username, posts: Number(values.posts) }));
} finally {
  await pool.end();
}
