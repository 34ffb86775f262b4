/** What stops the worker (or the check) at boot, told the way an operator can act on it. */
import { TelegramAuthenticationError } from "./telegram/adapter.js";
import { InvalidSessionError } from "./telegram/session-codec.js";
import { MissingSessionError } from "./telegram/session-store.js";
import { isDatabaseUnavailable } from "./shared/postgres.js";

export interface StartupProblem {
  readonly message: string;
  readonly fields: Record<string, unknown>;
  /** Whether the stack trace helps (an unexpected error) or only clutters (a known one). */
  readonly logError: boolean;
}

export function startupProblem(error: unknown): StartupProblem {
  if (error instanceof InvalidSessionError) return { message: error.message, fields: { event: "authentication_failed", variable: error.source }, logError: false };
  if (error instanceof MissingSessionError) return { message: error.message, fields: { event: "authentication_failed", variable: "TG_COMPRESSED_SESSION_STRING" }, logError: false };
  if (error instanceof TelegramAuthenticationError) return { message: `Authentication failed: ${error.message}`, fields: { event: "authentication_failed" }, logError: false };
  if (isDatabaseUnavailable(error)) {
    return { message: `database unavailable at boot: ${(error as Error).message} (check DATABASE_URL and that the release phase ran)`, fields: { failed: "database" }, logError: false };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "42P01") return { message: "the bot's tables are missing: run the release phase (node dist/migrate.js)", fields: { failed: "database" }, logError: false };
  return { message: `boot failed: ${error instanceof Error ? error.message : String(error)}`, fields: {}, logError: true };
}
