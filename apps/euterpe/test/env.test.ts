import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_SPOTIFY_SCOPE, envSchema, loadEnv } from "../src/env.js";
import { envProblems } from "./kit/env.js";
import { KEY_A, KEY_B, SECRET_KEY } from "./support/harness.js";

const REQUIRED = ["DATABASE_URL", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI", "SECRET_KEY", "ENCRYPTION_KEY"];

const valid = {
  DATABASE_URL: "postgres://user:hunter2@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1abc",
  SPOTIFY_CLIENT_ID: "client",
  SPOTIFY_CLIENT_SECRET: "client-secret-value",
  SPOTIFY_REDIRECT_URI: "https://euterpe.example.com/callback",
  SECRET_KEY,
  ENCRYPTION_KEY: KEY_A,
};

const problemsOf = (raw: Record<string, string | undefined>) => envProblems(loadEnv, raw);

describe("loadEnv", () => {
  it("names every missing variable at once", () => {
    const problems = problemsOf({});
    expect(Object.keys(problems).sort()).toEqual([...REQUIRED].sort());
    for (const name of REQUIRED) expect(problems[name]).toBe("is not set");
  });

  it("treats empty and blank strings as unset", () => {
    const problems = problemsOf({ ...valid, SPOTIFY_CLIENT_ID: "", SECRET_KEY: "   " });
    expect(Object.keys(problems).sort()).toEqual(["SECRET_KEY", "SPOTIFY_CLIENT_ID"]);
    const env = loadEnv({ ...valid, PORT: "", PG_POOL_MAX: "", SECRET_KEY_PREVIOUS: "", APP_ENV: "", SPOTIFY_CACHE_SECONDS: " " });
    expect(env).toMatchObject({ PORT: 5000, PG_POOL_MAX: 5, SECRET_KEY_PREVIOUS: undefined, APP_ENV: undefined, SPOTIFY_CACHE_SECONDS: 300 });
  });

  it("names invalid variables without ever echoing their values", () => {
    const raw = {
      ...valid,
      DATABASE_URL: "mysql://root:topsecretpw@db/x",
      SECRET_KEY: "not-hex-and-short-zzzz",
      ENCRYPTION_KEY: `${KEY_A},notakey-secretish`,
      SPOTIFY_REDIRECT_URI: "https://euterpe.example.com/oauth",
      PG_POOL_MAX: "0",
      DATABASE_SCHEMA: "public",
      APP_ENV: "prod",
    };
    let message = "";
    try {
      loadEnv(raw);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^euterpe: invalid environment \(7 problems\):/);
    for (const name of ["DATABASE_URL", "SECRET_KEY", "ENCRYPTION_KEY", "SPOTIFY_REDIRECT_URI", "PG_POOL_MAX", "DATABASE_SCHEMA", "APP_ENV"]) {
      expect(message).toContain(`  - ${name}: `);
    }
    expect(problemsOf(raw)).toMatchObject({
      ENCRYPTION_KEY: expect.stringMatching(/^entry 2: must be a Fernet key/),
      PG_POOL_MAX: "must be at least 1",
      DATABASE_SCHEMA: "must be the app's own schema, not public or a system schema",
    });
    for (const secret of ["topsecretpw", "not-hex-and-short-zzzz", "notakey-secretish", KEY_A]) expect(message).not.toContain(secret);
  });

  it("applies defaults and parses the key list newest first", () => {
    const env = loadEnv({ ...valid, ENCRYPTION_KEY: ` ${KEY_B} , ${KEY_A} ` });
    expect(env).toMatchObject({
      PORT: 5000,
      NODE_ENV: "production",
      DATABASE_SCHEMA: "euterpe",
      PG_POOL_MAX: 5,
      SPOTIFY_SCOPE: DEFAULT_SPOTIFY_SCOPE,
      SPOTIFY_ACCOUNTS_URL: "https://accounts.spotify.com",
      SPOTIFY_API_URL: "https://api.spotify.com",
      LOG_LEVEL: "info",
      ENCRYPTION_KEY: [KEY_B, KEY_A],
    });
  });

  it("accepts postgres:// as Heroku gives it, and postgresql://, but not a URL without a host", () => {
    expect(loadEnv(valid).DATABASE_URL).toBe(valid.DATABASE_URL);
    expect(() => loadEnv({ ...valid, DATABASE_URL: "postgresql://u@localhost/db" })).not.toThrow();
    expect(problemsOf({ ...valid, DATABASE_URL: "postgres:///db" })).toEqual({ DATABASE_URL: "must name the database host" });
  });

  it("reads the cache lifetime and the rate limit, 0 turning the cache off", () => {
    expect(loadEnv({ ...valid, SPOTIFY_CACHE_SECONDS: "0", RATE_LIMIT_PER_MINUTE: "30" })).toMatchObject({ SPOTIFY_CACHE_SECONDS: 0, RATE_LIMIT_PER_MINUTE: 30 });
    expect(problemsOf({ ...valid, SPOTIFY_CACHE_SECONDS: "-1", RATE_LIMIT_PER_MINUTE: "0" })).toEqual({
      SPOTIFY_CACHE_SECONDS: "must be a whole number",
      RATE_LIMIT_PER_MINUTE: "must be at least 1",
    });
  });
});

describe("envSchema as fleet reads it", () => {
  it("is a zod object whose optional keys accept undefined and required keys do not", () => {
    const optional = Object.entries(envSchema.shape)
      .filter(([, schema]) => schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect(optional.sort()).toEqual(
      [
        ...["APP_ENV", "DATABASE_SCHEMA", "LOG_LEVEL", "NODE_ENV", "PG_POOL_MAX", "PORT", "SECRET_KEY_PREVIOUS", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL", "SPOTIFY_SCOPE"],
        ...["SPOTIFY_CACHE_SECONDS", "RATE_LIMIT_PER_MINUTE"],
        ...["DYNO", "HEROKU_APP_NAME", "HEROKU_RELEASE_VERSION", "HEROKU_SLUG_COMMIT"],
      ].sort(),
    );
    expect(Object.keys(envSchema.shape).filter((name) => !optional.includes(name)).sort()).toEqual([...REQUIRED].sort());
  });
});

describe(".env.example", () => {
  const file = fileURLToPath(new URL("../.env.example", import.meta.url));

  it("can be sourced by a plain shell, lists every variable of the schema and is a valid environment", () => {
    const script = `set -ae; . "$1"; exec "$2" -e 'process.stdout.write(JSON.stringify(process.env))'`;
    const sourced = JSON.parse(
      execFileSync("sh", ["-c", script, "sh", file, process.execPath], { env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" }),
    ) as Record<string, string>;
    const declared = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.slice(0, line.indexOf("=")));
    expect(declared.sort()).toEqual(Object.keys(envSchema.shape).sort());
    for (const name of declared) expect(sourced, name).toHaveProperty(name);
    expect(sourced.SPOTIFY_SCOPE).toBe(DEFAULT_SPOTIFY_SCOPE);
    expect(() => loadEnv(Object.fromEntries(declared.map((name) => [name, sourced[name]])))).not.toThrow();
  });
});
