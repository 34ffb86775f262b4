#!/usr/bin/env node
// The yardstick for `npm run bench`: the least a /health can do — Fastify
// without a logger, one pg pool, `SELECT 1` — so euterpe's /health is
// reported as a ratio to it, measured on the same machine in the same run.
// Reads DATABASE_URL, PG_POOL_MAX and PORT; prints {"msg":"listening"} when ready.
import Fastify from "fastify";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PG_POOL_MAX || 5) });
const app = Fastify();
app.get("/health", async () => {
  await pool.query("SELECT 1");
  return { status: "ok" };
});
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
console.log(JSON.stringify({ msg: "listening" }));
process.once("SIGTERM", async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
