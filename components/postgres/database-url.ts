/**
 * Postgres connection URLs, parsed and built without Pulumi. Messages never
 * contain the URL: it carries a password.
 */

/** The sslmodes `@pulumi/postgresql` accepts that still encrypt (it has no `prefer`). */
export type EncryptingSslMode = "require" | "verify-ca" | "verify-full";

export interface DatabaseUrlParts {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  /** From `?sslmode=` when it asks for at least `require`; otherwise `require`. */
  readonly sslmode: EncryptingSslMode;
}

const ENCRYPTING: ReadonlySet<string> = new Set<EncryptingSslMode>(["require", "verify-ca", "verify-full"]);

/**
 * Splits `postgres://user:password@host:port/database[?sslmode=…]`. A weaker
 * `sslmode` in the URL (`disable`, `allow`, `prefer`) is ignored: managed
 * Postgres is reached over the internet and always with TLS.
 * @throws when the text is not such a URL; the message names what is missing, never the URL.
 */
export function parseDatabaseUrl(text: string, what = "database URL"): DatabaseUrlParts {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${what} is not a URL; expected postgres://user:password@host:5432/database`);
  }
  const missing: string[] = [];
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") missing.push("the postgres:// scheme");
  if (!url.hostname) missing.push("a host");
  if (!url.username) missing.push("a user");
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database) missing.push("a database name");
  if (missing.length > 0) {
    throw new Error(`${what} lacks ${missing.join(", ")}; expected postgres://user:password@host:5432/database`);
  }
  const port = url.port ? Number(url.port) : 5432;
  const requested = url.searchParams.get("sslmode") ?? "";
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    sslmode: ENCRYPTING.has(requested) ? (requested as EncryptingSslMode) : "require",
  };
}

/** A `postgres://` URL for a user on the same server and database as `base`. */
export function buildDatabaseUrl(
  base: Pick<DatabaseUrlParts, "host" | "port" | "database">,
  user: string,
  password: string,
  sslmode?: EncryptingSslMode,
): string {
  const query = sslmode ? `?sslmode=${sslmode}` : "";
  const host = base.host.includes(":") ? `[${base.host}]` : base.host;
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${base.port}/${encodeURIComponent(base.database)}${query}`;
}
