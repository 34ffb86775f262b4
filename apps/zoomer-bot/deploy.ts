import { defineApp } from "../../stacks/app-spec.js";
import { envSchema } from "./src/env.js";

export default defineApp({
  name: "zoomer-bot",
  description: "Telegram bot: translates a source channel's posts into a destination channel with an LLM and a translation memory",
  processes: {
    // Exactly one dyno: a Telegram session cannot be shared, and the worker exits on any DYNO but worker.1.
    worker: { kind: "worker", command: "node dist/worker.js", maxQuantity: 1 },
    release: { kind: "release", command: "node dist/migrate.js" },
  },
  env: envSchema,
  providedSecrets: {
    TG_API_ID: { description: "Telegram API id of the bot's user account (my.telegram.org → API development tools)" },
    TG_API_HASH: { description: "Telegram API hash, same page as TG_API_ID" },
    TG_COMPRESSED_SESSION_STRING: {
      description:
        "Telegram session (gzip + base64) from a local login (`npm run login` in apps/zoomer-bot); seeds telegram_sessions, and a new value replaces the stored session",
    },
    SRC_CHANNEL: { description: "Channel to translate from, as @username or -100… id; differs per stack (staging uses a test channel)" },
    DST_CHANNEL: { description: "Channel the translations are posted to, as @username or -100… id; differs per stack" },
    ANTHROPIC_API_KEY: { description: "Anthropic API key that translates posts (console.anthropic.com → API keys)" },
    OPENAI_API_KEY: { description: "OpenAI API key for translation-memory embeddings (platform.openai.com → API keys)" },
  },
  // Heroku Postgres or Supabase, as the stack chooses; a small pool, one dyno.
  database: { schema: "zoomer_bot", poolPerDyno: 3 },
});
