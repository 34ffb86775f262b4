/** The environment zoomer-bot boots with: every problem named at once, never a value, and the DYNO rules. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRANSLATION_STYLE, loadEnv } from "../src/env.js";
import { envProblems } from "./kit/env.js";

const valid = {
  APP_ENV: "production",
  DATABASE_URL: "postgres://u:hunter2@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1",
  DATABASE_SCHEMA: "zoomer_bot",
  PG_POOL_MAX: "3",
  TG_API_ID: "12345",
  TG_API_HASH: "0123456789abcdef0123456789abcdef",
  SRC_CHANNEL: "@news_source",
  DST_CHANNEL: "-1001234567890",
  ANTHROPIC_API_KEY: "sk-ant-secret-value",
  OPENAI_API_KEY: "sk-secret-value",
};

const problems = (raw: Record<string, string | undefined>) => envProblems(loadEnv, raw);

describe("loadEnv", () => {
  it("defaults to Telegram, the zoomer style, a memory of 10 pairs above 0.5", () => {
    expect(loadEnv(valid)).toMatchObject({
      CHANNEL_ADAPTER: "telegram",
      TRANSLATION_STYLE: DEFAULT_TRANSLATION_STYLE,
      SOURCE_LINK_LABEL: "Source",
      TM_RECALL_LIMIT: 10,
      TM_SIMILARITY_THRESHOLD: 0.5,
      ANTHROPIC_BASE_URL: "https://api.anthropic.com",
      OPENAI_BASE_URL: "https://api.openai.com/v1",
      TG_API_ID: 12345,
    });
  });

  it("names every missing variable at once", () => {
    expect(Object.keys(problems({})).sort()).toEqual(
      ["ANTHROPIC_API_KEY", "APP_ENV", "DATABASE_SCHEMA", "DATABASE_URL", "DST_CHANNEL", "OPENAI_API_KEY", "PG_POOL_MAX", "SRC_CHANNEL", "TG_API_HASH", "TG_API_ID"].sort(),
    );
  });

  it("names invalid values without echoing them", () => {
    const raw = { ...valid, SRC_CHANNEL: "news", TG_API_HASH: "zz", TM_SIMILARITY_THRESHOLD: "1.5", TG_COMPRESSED_SESSION_STRING: "not base64!", CHANNEL_ADAPTER: "carrier-pigeon" };
    const found = problems(raw);
    expect(Object.keys(found).sort()).toEqual(["CHANNEL_ADAPTER", "SRC_CHANNEL", "TG_API_HASH", "TG_COMPRESSED_SESSION_STRING", "TM_SIMILARITY_THRESHOLD"]);
    expect(JSON.stringify(found)).not.toMatch(/carrier-pigeon|not base64!|news"/);
  });

  it("refuses the same channel as source and destination", () => {
    expect(problems({ ...valid, DST_CHANNEL: "@news_source" })).toEqual({ DST_CHANNEL: "must differ from SRC_CHANNEL (the bot would translate its own posts)" });
  });

  it("refuses CHANNEL_ADAPTER=local on a dyno of a fleet stack, accepts it on a development one and off Heroku", () => {
    for (const stack of ["staging", "production"]) {
      expect(problems({ ...valid, APP_ENV: stack, DYNO: "worker.1", CHANNEL_ADAPTER: "local" })).toEqual({
        CHANNEL_ADAPTER: "is local, which a Heroku dyno of a fleet stack refuses (it would never post to Telegram): unset it to use telegram",
      });
      expect(loadEnv({ ...valid, APP_ENV: stack, CHANNEL_ADAPTER: "local" }).CHANNEL_ADAPTER).toBe("local");
    }
    expect(loadEnv({ ...valid, APP_ENV: "development", DYNO: "worker.1", CHANNEL_ADAPTER: "local" }).CHANNEL_ADAPTER).toBe("local");
  });

  it("accepts .env.example as it is, which runs the local channel", () => {
    const example = readFileSync(fileURLToPath(new URL("../.env.example", import.meta.url)), "utf8");
    const raw: Record<string, string> = {};
    for (const line of example.split("\n")) {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (match) raw[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
    }
    expect(loadEnv(raw)).toMatchObject({ CHANNEL_ADAPTER: "local", APP_ENV: "development", TRANSLATION_STYLE: DEFAULT_TRANSLATION_STYLE });
  });
});
