/**
 * Fernet (https://github.com/fernet/spec) on node:crypto, compatible with
 * Python's `cryptography.fernet`, plus a key list for rotation: encrypt with
 * the newest key, decrypt with any.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const VERSION = 0x80;
const HEADER_BYTES = 1 + 8 + 16; // version, timestamp, IV
const HMAC_BYTES = 32;
const BLOCK_BYTES = 16;
const MAX_CLOCK_SKEW_SECONDS = 60;
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}=$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+={0,2}$/;

export class InvalidFernetToken extends Error {
  constructor(reason: string) {
    super(`invalid Fernet token: ${reason}`);
    this.name = "InvalidFernetToken";
  }
}

export interface EncryptOptions {
  /** Seconds since the epoch written into the token. @default now */
  readonly now?: number;
  /** The 16-byte IV; fixed only to reproduce test vectors. @default random */
  readonly iv?: Uint8Array;
}

export interface DecryptOptions {
  /** Reject tokens older than this many seconds (and tokens from the future). @default no limit */
  readonly ttlSeconds?: number;
  /** Seconds since the epoch to check the TTL against. @default now */
  readonly now?: number;
}

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function decodeKey(key: string): { signingKey: Buffer; encryptionKey: Buffer } {
  const bytes = KEY_PATTERN.test(key) ? Buffer.from(key, "base64url") : Buffer.alloc(0);
  if (bytes.length !== 32) throw new Error("a Fernet key must be 32 bytes of URL-safe base64 (44 characters)");
  return { signingKey: bytes.subarray(0, 16), encryptionKey: bytes.subarray(16) };
}

function decodeToken(token: string): Buffer {
  // Buffer's base64 decoder skips characters it does not know; the spec wants them rejected.
  if (!TOKEN_PATTERN.test(token) || token.length % 4 !== 0) throw new InvalidFernetToken("not URL-safe base64");
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length < HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES) throw new InvalidFernetToken("too short");
  if (bytes[0] !== VERSION) throw new InvalidFernetToken("unknown version");
  return bytes;
}

function toUrlSafeBase64WithPadding(bytes: Buffer): string {
  return bytes.toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

/** One Fernet key. */
export class Fernet {
  readonly #signingKey: Buffer;
  readonly #encryptionKey: Buffer;

  constructor(key: string) {
    ({ signingKey: this.#signingKey, encryptionKey: this.#encryptionKey } = decodeKey(key));
  }

  /** A new random key, in the same form as Python's `Fernet.generate_key()`. */
  static generateKey(): string {
    return toUrlSafeBase64WithPadding(randomBytes(32));
  }

  encrypt(plaintext: string | Uint8Array, options: EncryptOptions = {}): string {
    const iv = Buffer.from(options.iv ?? randomBytes(16));
    if (iv.length !== 16) throw new Error("a Fernet IV must be 16 bytes");
    const header = Buffer.alloc(9);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(Math.floor(options.now ?? nowInSeconds())), 1);
    const cipher = createCipheriv("aes-128-cbc", this.#encryptionKey, iv);
    const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
    const signed = Buffer.concat([header, iv, cipher.update(data), cipher.final()]);
    return toUrlSafeBase64WithPadding(Buffer.concat([signed, this.#sign(signed)]));
  }

  decrypt(token: string, options: DecryptOptions = {}): Buffer {
    const bytes = decodeToken(token);
    if (options.ttlSeconds !== undefined) {
      const issuedAt = Number(bytes.readBigUInt64BE(1));
      const now = options.now ?? nowInSeconds();
      if (issuedAt + options.ttlSeconds < now) throw new InvalidFernetToken("expired");
      if (now + MAX_CLOCK_SKEW_SECONDS < issuedAt) throw new InvalidFernetToken("timestamp too far in the future");
    }
    const signed = bytes.subarray(0, bytes.length - HMAC_BYTES);
    if (!timingSafeEqual(this.#sign(signed), bytes.subarray(bytes.length - HMAC_BYTES))) {
      throw new InvalidFernetToken("signature does not match this key");
    }
    const ciphertext = signed.subarray(HEADER_BYTES);
    if (ciphertext.length % BLOCK_BYTES !== 0) throw new InvalidFernetToken("payload is not a whole number of blocks");
    try {
      const decipher = createDecipheriv("aes-128-cbc", this.#encryptionKey, signed.subarray(9, HEADER_BYTES));
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new InvalidFernetToken("bad padding");
    }
  }

  #sign(bytes: Buffer): Buffer {
    return createHmac("sha256", this.#signingKey).update(bytes).digest();
  }
}

/** The result of decrypting with a key list: the plaintext and whether an older key was needed. */
export interface Opened {
  readonly plaintext: Buffer;
  /** True when the token was not made with the newest key and should be written again. */
  readonly needsReencryption: boolean;
}

/** A list of Fernet keys, newest first, like Python's `MultiFernet`. */
export class FernetKeyring {
  readonly #keys: readonly Fernet[];
  readonly #newest: Fernet;

  constructor(keys: readonly string[]) {
    const [newest, ...older] = keys.map((key) => new Fernet(key));
    if (!newest) throw new Error("a Fernet keyring needs at least one key");
    this.#newest = newest;
    this.#keys = [newest, ...older];
  }

  encrypt(plaintext: string | Uint8Array, options?: EncryptOptions): string {
    return this.#newest.encrypt(plaintext, options);
  }

  open(token: string, options?: DecryptOptions): Opened {
    let lastError: unknown;
    for (const [index, key] of this.#keys.entries()) {
      try {
        return { plaintext: key.decrypt(token, options), needsReencryption: index > 0 };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError instanceof InvalidFernetToken ? lastError : new InvalidFernetToken("no key matches");
  }

  decrypt(token: string, options?: DecryptOptions): Buffer {
    return this.open(token, options).plaintext;
  }
}
