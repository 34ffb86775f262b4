/**
 * Telegram sessions as the original bot stored them: the library's session
 * string, gzipped, as base64. Decoding checks the shape of what comes out, so
 * a wrong value fails at boot with the name of where it came from rather than
 * as an obscure error deep inside the MTProto connection.
 */
import { gunzipSync, gzipSync } from "node:zlib";

/** The auth key every session string ends with. */
const AUTH_KEY_BYTES = 256;

/** A session value that cannot be a Telegram session; `source` names the variable or row it came from. */
export class InvalidSessionError extends Error {
  override readonly name = "InvalidSessionError";
  readonly source: string;

  constructor(source: string, problem: string) {
    super(`${source} is not a usable Telegram session: ${problem}. Log in again (npm run login) and store the printed value in ${source}.`);
    this.source = source;
  }
}

export interface SessionInfo {
  /** Telegram data centre the session is bound to. */
  readonly dcId: number;
  readonly serverAddress: string;
  readonly port: number;
}

export function compressSession(session: string): string {
  return gzipSync(Buffer.from(session, "utf8")).toString("base64");
}

/** gzip + base64 → the session string; throws InvalidSessionError naming `source`. */
export function decompressSession(compressed: string, source: string): string {
  const trimmed = compressed.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new InvalidSessionError(source, "it is not base64 text");
  const bytes = Buffer.from(trimmed, "base64");
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new InvalidSessionError(source, "its base64 does not hold gzip data");
  let session: string;
  try {
    session = gunzipSync(bytes).toString("utf8");
  } catch (error) {
    throw new InvalidSessionError(source, `its gzip data is damaged (${(error as Error).message})`);
  }
  describeSession(session, source);
  return session;
}

/**
 * Reads the fields of a session string: version `1`, then base64 of the data
 * centre, its address and port, and the 256-byte auth key. Both layouts are
 * accepted: Telethon's (the original Python bot: 4-byte IPv4 or 16-byte IPv6)
 * and GramJS's (length-prefixed address).
 */
export function describeSession(session: string, source: string): SessionInfo {
  if (!session.startsWith("1")) throw new InvalidSessionError(source, "it does not start with session format version 1");
  const body = session.slice(1);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) throw new InvalidSessionError(source, "its session string is not base64 after the version");
  const data = Buffer.from(body, "base64");
  const dcId = data.readUInt8(0);
  const telethonAddressBytes = data.length - 1 - 2 - AUTH_KEY_BYTES;
  const gramjsAddressBytes = data.length >= 3 ? data.readUInt16BE(1) : -1;
  let serverAddress: string;
  let portAt: number;
  // The order GramJS reads them in: Telethon IPv4, then a length-prefixed address (≤ 100 bytes), then Telethon IPv6.
  if (telethonAddressBytes === 4) {
    serverAddress = [...data.subarray(1, 5)].join(".");
    portAt = 5;
  } else if (gramjsAddressBytes >= 0 && gramjsAddressBytes <= 100 && data.length === 1 + 2 + gramjsAddressBytes + 2 + AUTH_KEY_BYTES) {
    serverAddress = data.subarray(3, 3 + gramjsAddressBytes).toString("utf8");
    portAt = 3 + gramjsAddressBytes;
  } else if (telethonAddressBytes === 16) {
    serverAddress = (data.subarray(1, 17).toString("hex").match(/.{4}/g) ?? []).join(":");
    portAt = 17;
  } else {
    throw new InvalidSessionError(source, `its session data has ${data.length} bytes, which no session layout has`);
  }
  const port = data.readUInt16BE(portAt);
  if (dcId < 1 || dcId > 10 || port === 0) throw new InvalidSessionError(source, `it names data centre ${dcId} port ${port}`);
  return { dcId, serverAddress, port };
}
