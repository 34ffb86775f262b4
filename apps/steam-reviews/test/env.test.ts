/** The environment: every problem named at once, never a value; the tracked ids and cookie keys parsed. */
import { describe, expect, it } from "vitest";
import { loadEnv } from "../src/env.js";
import { EnvError } from "../src/shared/env.js";

const VALID = {
  APP_ENV: "staging",
  DATABASE_URL: "postgres://user:secret-password@db.example.com:5432/app",
  DATABASE_SCHEMA: "steam_reviews",
  PG_POOL_MAX: "5",
  OPENAI_API_KEY: "sk-live-abcdef",
  COOKIE_SECRET: "a".repeat(64),
};

function problems(raw: Record<string, string | undefined>) {
  try {
    loadEnv(raw);
  } catch (error) {
    if (error instanceof EnvError) return error;
  }
  throw new Error("expected an EnvError");
}

describe("environment", () => {
  it("takes defaults for what fleet may leave unset", () => {
    const env = loadEnv(VALID);
    expect(env).toMatchObject({
      PORT: 3000,
      OPENAI_BASE_URL: "https://api.openai.com/v1",
      OPENAI_MODEL: "gpt-4o-mini",
      OPENAI_MAX_REVIEWS_PER_RUN: 500,
      STEAM_STORE_URL: "https://store.steampowered.com",
      STEAM_REQUEST_INTERVAL_MS: 1000,
      COOKIE_SECRET: ["a".repeat(64)],
    });
    expect(env.STEAM_TRACKED_APP_IDS).toBeUndefined();
    expect(loadEnv({ ...VALID, STEAM_TRACKED_APP_IDS: "  " }).STEAM_TRACKED_APP_IDS).toBeUndefined();
  });

  it("reads the tracked ids as numbers, once each, and the cookie keys newest first", () => {
    const env = loadEnv({ ...VALID, STEAM_TRACKED_APP_IDS: "3228590, 2437170,3228590", COOKIE_SECRET: `${"b".repeat(64)},${"a".repeat(64)}` });
    expect(env.STEAM_TRACKED_APP_IDS).toEqual([3228590, 2437170]);
    expect(env.COOKIE_SECRET).toEqual(["b".repeat(64), "a".repeat(64)]);
  });

  it("names every bad variable at once, never its value", () => {
    const error = problems({ ...VALID, OPENAI_API_KEY: "", STEAM_TRACKED_APP_IDS: "3228590,smite", COOKIE_SECRET: "short-secret-value", CF_ACCESS_AUD: "aud", PG_POOL_MAX: "0" });
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual(["CF_ACCESS_TEAM_DOMAIN", "COOKIE_SECRET", "OPENAI_API_KEY", "PG_POOL_MAX", "STEAM_TRACKED_APP_IDS"]);
    expect(error.problems.find((problem) => problem.variable === "STEAM_TRACKED_APP_IDS")!.problem).toMatch(/entry 2: must be Steam app ids separated by commas/);
    expect(error.message).not.toContain("short-secret-value");
    expect(error.message).not.toContain("smite");
    expect(error.message).not.toContain("secret-password");
  });
});
