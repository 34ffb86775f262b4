/** The environment: every problem named at once, never a value; blank counts as unset; key lists parse. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EnvError, envSchema, loadEnv } from "../src/env.js";
import { envProblems } from "./kit/env.js";
import { parseEnvFile } from "./support/env-file.js";
import { API_KEY_A, API_KEY_B, SESSION_KEY_A, SESSION_KEY_B } from "./support/harness.js";

const REQUIRED = ["APP_ENV", "DATABASE_URL", "DATABASE_SCHEMA", "PG_POOL_MAX", "REDIS_URL", "REDIS_KEY_PREFIX", "SESSION_KEYS", "API_KEYS"];

const valid = {
  APP_ENV: "staging",
  DATABASE_URL: "postgres://u:hunter2@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1",
  DATABASE_SCHEMA: "shop_sentiment",
  PG_POOL_MAX: "5",
  REDIS_URL: "rediss://:redispass@ec2-5-6-7-8.compute-1.amazonaws.com:6380",
  REDIS_KEY_PREFIX: "shop-sentiment:",
  SESSION_KEYS: SESSION_KEY_A,
  API_KEYS: API_KEY_A,
};

const problemsOf = (raw: Record<string, string | undefined>) => envProblems(loadEnv, raw);

describe("loadEnv", () => {
  it("names every missing variable at once", () => {
    const problems = problemsOf({});
    expect(Object.keys(problems).sort()).toEqual([...REQUIRED].sort());
    for (const name of REQUIRED) expect(problems[name]).toBe("is not set");
  });

  it("treats blank values as unset and applies defaults", () => {
    expect(Object.keys(problemsOf({ ...valid, API_KEYS: "  ", SESSION_KEYS: "" })).sort()).toEqual(["API_KEYS", "SESSION_KEYS"]);
    const env = loadEnv({ ...valid, PORT: "", CACHE_TTL_SECONDS: "", RATE_LIMIT_WRITES_PER_MINUTE: "", LOG_LEVEL: "" });
    expect(env).toMatchObject({ PORT: 3000, CACHE_TTL_SECONDS: 300, RATE_LIMIT_WRITES_PER_MINUTE: 60, LOG_LEVEL: "info", NODE_ENV: "production" });
  });

  it("reads key lists newest first, as fleet writes them during a rotation", () => {
    const env = loadEnv({ ...valid, API_KEYS: `${API_KEY_B},${API_KEY_A}`, SESSION_KEYS: ` ${SESSION_KEY_B} , ${SESSION_KEY_A}` });
    expect(env.API_KEYS).toEqual([API_KEY_B, API_KEY_A]);
    expect(env.SESSION_KEYS).toEqual([SESSION_KEY_B, SESSION_KEY_A]);
  });

  it("names invalid variables and which key is wrong, never echoing a value", () => {
    const raw = {
      ...valid,
      API_KEYS: `${API_KEY_A},not-a-key-secretish`,
      SESSION_KEYS: "abc",
      REDIS_URL: "http://cache.example.com",
      REDIS_KEY_PREFIX: "no-colon",
      CACHE_TTL_SECONDS: "0",
      RATE_LIMIT_WRITES_PER_MINUTE: "lots",
      PG_POOL_MAX: "0",
    };
    const problems = problemsOf(raw);
    expect(problems).toMatchObject({
      API_KEYS: "entry 2: must be 64 hexadecimal characters (32 bytes)",
      SESSION_KEYS: "entry 1: must be 64 hexadecimal characters (32 bytes)",
      REDIS_URL: "must be a URL starting with redis:// or rediss://",
      REDIS_KEY_PREFIX: 'must be a key prefix ending with ":"',
      CACHE_TTL_SECONDS: "must be at least 1",
      RATE_LIMIT_WRITES_PER_MINUTE: "must be a whole number",
      PG_POOL_MAX: "must be at least 1",
    });
    let message = "";
    try {
      loadEnv(raw);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const value of ["not-a-key-secretish", API_KEY_A, "cache.example.com", "hunter2"]) expect(message).not.toContain(value);
  });

  it(".env.example holds every variable the schema reads, and is enough to boot", () => {
    const example = parseEnvFile(readFileSync(new URL("../.env.example", import.meta.url), "utf8"));
    const env = loadEnv(example);
    expect(env.APP_ENV).toBe("development");
    expect(Object.keys(example).sort()).toEqual(Object.keys(envSchema.shape).sort());
  });
});
