/**
 * Everything zoomer-bot reads from its environment: the worker and the
 * release-phase migration parse it once at boot with `loadEnv(process.env)`
 * and exit 1 naming every missing variable.
 */
import { z } from "zod";
import { appEnv, baseUrl, decimal, everyProblemAtOnce, herokuVars, integer, logLevel, parseEnv, postgresVars, text, variable } from "./shared/env.js";

/** A public channel's `@username`, or a private channel's numeric id (`-100…`). */
const channel = () =>
  z.string().regex(/^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,})$/, "must be a channel @username or a numeric id starting with -100");

export const DEFAULT_TRANSLATION_STYLE =
  "Translate into English as a Gen Z writer would post it: casual, punchy, current slang and a little irony, " +
  "while every fact, name, number, date and link stays exactly as in the original.";

export const envSchema = z
  .object({
    // Heroku
    ...herokuVars,
    /**
     * Set on every Heroku dyno (`worker.1`). Its presence means "on Heroku": a
     * worker on any dyno but `worker.1` refuses to start, because one Telegram
     * session cannot run in two processes, and CHANNEL_ADAPTER=local is refused
     * unless APP_ENV is development (which fleet never deploys).
     */
    DYNO: variable(text().optional()),
    LOG_LEVEL: logLevel,

    // fleet
    /** The stack; also the key of the Telegram session row, so stacks sharing a database never swap sessions. */
    APP_ENV: appEnv,
    ...postgresVars,

    // Telegram (MTProto user session)
    TG_API_ID: variable(integer(1, 2 ** 31 - 1)),
    TG_API_HASH: variable(z.string().regex(/^[0-9a-f]{32}$/, "must be 32 hexadecimal characters")),
    /**
     * Seeds the session (gzip + base64) into telegram_sessions when that table
     * has none for APP_ENV; afterwards the stored session wins.
     */
    TG_COMPRESSED_SESSION_STRING: variable(z.string().regex(/^[A-Za-z0-9+/_-]+={0,2}$/, "must be base64 text").optional()),
    SRC_CHANNEL: variable(channel()),
    DST_CHANNEL: variable(channel()),
    /**
     * `telegram` (the default, and the only one a fleet dyno accepts) speaks
     * MTProto; `local` reads posts from files in LOCAL_CHANNEL_DIR and writes
     * the translations there, for running without Telegram credentials.
     */
    CHANNEL_ADAPTER: variable(z.enum(["telegram", "local"]).default("telegram")),
    /** The local adapter's folder: posts go into `inbox/`, translations come out in `outbox/`. */
    LOCAL_CHANNEL_DIR: variable(text().default(".local-channel")),

    // Anthropic: the translation itself
    ANTHROPIC_API_KEY: variable(text()),
    ANTHROPIC_BASE_URL: variable(baseUrl().default("https://api.anthropic.com")),
    ANTHROPIC_MODEL: variable(text().default("claude-sonnet-4-5")),
    /** How the translation should read: language, voice, what to keep. Past pairs from the memory show it by example. */
    TRANSLATION_STYLE: variable(text().default(DEFAULT_TRANSLATION_STYLE)),
    /** Text of the link to the source post appended to every translation. */
    SOURCE_LINK_LABEL: variable(text().default("Source")),

    // OpenAI: embeddings for translation-memory recall
    OPENAI_API_KEY: variable(text()),
    OPENAI_BASE_URL: variable(baseUrl().default("https://api.openai.com/v1")),
    OPENAI_EMBEDDING_MODEL: variable(text().default("text-embedding-3-small")),
    /** Most similar past translation pairs put into each prompt. */
    TM_RECALL_LIMIT: variable(integer(0, 50).default(10)),
    /** Cosine similarity a past pair needs to be recalled (0…1). */
    TM_SIMILARITY_THRESHOLD: variable(decimal(0, 1).default(0.5)),
  })
  .superRefine((env, context) => {
    if (env.SRC_CHANNEL !== undefined && env.SRC_CHANNEL === env.DST_CHANNEL) {
      context.addIssue({ code: "custom", path: ["DST_CHANNEL"], message: "must differ from SRC_CHANNEL (the bot would translate its own posts)" });
    }
    // On a dyno only a development environment (never a fleet stack) may run without Telegram.
    if (env.DYNO !== undefined && env.CHANNEL_ADAPTER === "local" && env.APP_ENV !== "development") {
      context.addIssue({
        code: "custom",
        path: ["CHANNEL_ADAPTER"],
        message: "is local, which a Heroku dyno of a fleet stack refuses (it would never post to Telegram): unset it to use telegram",
      });
    }
  }, everyProblemAtOnce);

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  return parseEnv("zoomer-bot", envSchema, raw);
}
