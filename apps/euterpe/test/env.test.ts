import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_SPOTIFY_SCOPE, EnvError, envSchema, loadEnv } from "../src/env.js";
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

function problemsOf(raw: Record<string, string | undefined>): Record<string, string> {
  try {
    loadEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return Object.fromEntries((error as EnvError).problems.map(({ variable, problem }) => [variable, problem]));
  }
  throw new Error("expected loadEnv to throw");
}

describe("loadEnv", () => {
  it("names every missing variable at once", () => {
    const problems = problemsOf({});
    expect(Object.keys(problems).sort()).toEqual([...REQUIRED].sort());
    for (const name of REQUIRED) expect(problems[name]).toMatch(/required/);
  });

  it("treats empty and blank strings as unset", () => {
    const problems = problemsOf({ ...valid, SPOTIFY_CLIENT_ID: "", SECRET_KEY: "   " });
    expect(Object.keys(problems).sort()).toEqual(["SECRET_KEY", "SPOTIFY_CLIENT_ID"]);
    const env = loadEnv({ ...valid, PORT: "", PG_POOL_MAX: "", SECRET_KEY_PREVIOUS: "", APP_ENV: "" });
    expect(env).toMatchObject({ PORT: 5000, PG_POOL_MAX: 5, SECRET_KEY_PREVIOUS: undefined, APP_ENV: undefined });
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
    for (const name of ["DATABASE_URL", "SECRET_KEY", "ENCRYPTION_KEY", "SPOTIFY_REDIRECT_URI", "PG_POOL_MAX", "DATABASE_SCHEMA", "APP_ENV"]) {
      expect(message).toContain(name);
    }
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

  it("accepts postgres:// as Heroku gives it, and postgresql://", () => {
    expect(loadEnv(valid).DATABASE_URL).toBe(valid.DATABASE_URL);
    expect(() => loadEnv({ ...valid, DATABASE_URL: "postgresql://u@localhost/db" })).not.toThrow();
  });
});

describe("envSchema as fleet reads it", () => {
  it("is a zod object whose optional keys accept undefined and required keys do not", () => {
    const optional = Object.entries(envSchema.shape)
      .filter(([, schema]) => schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect(optional.sort()).toEqual(
      ["APP_ENV", "DATABASE_SCHEMA", "LOG_LEVEL", "NODE_ENV", "PG_POOL_MAX", "PORT", "SECRET_KEY_PREVIOUS", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL", "SPOTIFY_SCOPE"].sort(),
    );
    expect(Object.keys(envSchema.shape).filter((name) => !optional.includes(name)).sort()).toEqual([...REQUIRED].sort());
  });
});

describe(".env.example", () => {
  it("lists every variable of the schema and parses as a valid environment", () => {
    const lines = readFileSync(new URL("../.env.example", import.meta.url), "utf8").split("\n");
    const raw = Object.fromEntries(
      lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(Object.keys(raw).sort()).toEqual(Object.keys(envSchema.shape).sort());
    expect(() => loadEnv(raw)).not.toThrow();
  });
});
