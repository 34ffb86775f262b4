/**
 * `npm run login` — once, on a developer's machine: signs in to Telegram as
 * the bot's user account (phone, code, 2FA password if set) and prints the
 * session as gzip + base64, the value for TG_COMPRESSED_SESSION_STRING.
 * Needs only TG_API_ID and TG_API_HASH; writes nothing to disk.
 */
import { createInterface } from "node:readline/promises";
import { TelegramClient } from "telegram";
import { StringSession } from "telegram/sessions/index.js";
import { z } from "zod";
import { createLogger } from "./logger.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { integer, parseEnv, variable } from "./shared/env.js";
import { libraryLogger } from "./telegram/library-logger.js";
import { compressSession } from "./telegram/session-codec.js";

const loginEnv = z.object({
  TG_API_ID: variable(integer(1, 2 ** 31 - 1)),
  TG_API_HASH: variable(z.string().regex(/^[0-9a-f]{32}$/, "must be 32 hexadecimal characters")),
});

if (process.env.DYNO !== undefined) {
  console.error("npm run login is interactive: run it on your own machine, not on a dyno.");
  process.exit(1);
}
const env = exitOnInvalidEnv("zoomer-bot login", () => parseEnv("zoomer-bot login", loginEnv, process.env));
const prompt = createInterface({ input: process.stdin, output: process.stderr });
const ask = (question: string) => prompt.question(question);

const session = new StringSession("");
const client = new TelegramClient(session, env.TG_API_ID, env.TG_API_HASH, { connectionRetries: 3, baseLogger: libraryLogger(createLogger("warn")) });
try {
  await client.start({
    phoneNumber: () => ask("Phone number (international format): "),
    phoneCode: () => ask("Code Telegram sent: "),
    password: () => ask("Two-step verification password (empty if none): "),
    onError: (error) => console.error(`Telegram: ${error.message}`),
  });
  console.error("\nSigned in. Set this as TG_COMPRESSED_SESSION_STRING (it is a credential: keep it secret):\n");
  console.log(compressSession(session.save()));
} finally {
  prompt.close();
  await client.destroy();
}
