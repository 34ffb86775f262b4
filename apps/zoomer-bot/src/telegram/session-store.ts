/**
 * The Telegram session in the database (`telegram_sessions`, one row per
 * APP_ENV, gzip + base64), seeded from TG_COMPRESSED_SESSION_STRING. The row
 * wins over the variable, except when the variable holds a value that has not
 * seeded the row yet (a fresh login the operator just set). Nothing is ever
 * written to the dyno's disk.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Logger } from "pino";
import { compressSession, decompressSession, InvalidSessionError } from "./session-codec.js";

export const SESSION_VARIABLE = "TG_COMPRESSED_SESSION_STRING";

/** Neither the table nor the variable holds a session. */
export class MissingSessionError extends Error {
  override readonly name = "MissingSessionError";
  constructor(environment: string) {
    super(
      `No Telegram session for APP_ENV=${environment}: telegram_sessions has no row for it and ${SESSION_VARIABLE} is not set. ` +
        `Log in once with \`npm run login\` and set ${SESSION_VARIABLE} to the printed value.`,
    );
  }
}

export interface LoadedSession {
  readonly session: string;
  /** Where it came from. */
  readonly origin: "database" | "environment";
}

const fingerprint = (value: string) => createHash("sha256").update(value.trim()).digest("hex");

export class SessionStore {
  readonly #pool: pg.Pool;
  readonly #environment: string;

  constructor(pool: pg.Pool, environment: string) {
    this.#pool = pool;
    this.#environment = environment;
  }

  /** The stored row, if any. */
  async read(): Promise<{ compressed: string; seedSha256: string | null } | undefined> {
    const { rows } = await this.#pool.query<{ session_data: string; seed_sha256: string | null }>(
      "SELECT session_data, seed_sha256 FROM telegram_sessions WHERE environment = $1",
      [this.#environment],
    );
    return rows[0] === undefined ? undefined : { compressed: rows[0].session_data, seedSha256: rows[0].seed_sha256 };
  }

  /** Stores the library's current session (its seed stays recorded). */
  async save(session: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO telegram_sessions (environment, session_data) VALUES ($1, $2)
       ON CONFLICT (environment) DO UPDATE SET session_data = EXCLUDED.session_data, updated_at = now()`,
      [this.#environment, compressSession(session)],
    );
  }

  async #seed(session: string, seed: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO telegram_sessions (environment, session_data, seed_sha256) VALUES ($1, $2, $3)
       ON CONFLICT (environment) DO UPDATE SET session_data = EXCLUDED.session_data, seed_sha256 = EXCLUDED.seed_sha256, updated_at = now()`,
      [this.#environment, compressSession(session), fingerprint(seed)],
    );
  }

  /**
   * The session to connect with. A damaged row falls back to the variable
   * when it is set; a damaged variable fails naming it, before any network.
   */
  async load(fromEnvironment: string | undefined, logger: Logger): Promise<LoadedSession> {
    const stored = await this.read();
    const freshSeed = fromEnvironment !== undefined && stored?.seedSha256 !== fingerprint(fromEnvironment);
    if (stored !== undefined && !freshSeed) {
      try {
        return { session: decompressSession(stored.compressed, `telegram_sessions row "${this.#environment}"`), origin: "database" };
      } catch (error) {
        if (!(error instanceof InvalidSessionError) || fromEnvironment === undefined) throw error;
        logger.warn({ environment: this.#environment, problem: error.message }, `stored Telegram session unusable; seeding it again from ${SESSION_VARIABLE}`);
      }
    }
    if (fromEnvironment === undefined) throw new MissingSessionError(this.#environment);
    const session = decompressSession(fromEnvironment, SESSION_VARIABLE);
    await this.#seed(session, fromEnvironment);
    logger.info({ environment: this.#environment }, `Telegram session stored in telegram_sessions from ${SESSION_VARIABLE}`);
    return { session, origin: "environment" };
  }
}
