/**
 * Users' Threads tokens at rest: AES-256-GCM under TOKEN_ENCRYPTION_KEYS
 * (newest first). The newest key encrypts; every key still decrypts, so a
 * rotation loses no token. A sealed value names its key by a short
 * fingerprint: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;

/** The token could not be decrypted with any configured key (a key was dropped too early, or the value is corrupt). */
export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`stored token cannot be decrypted: ${reason}`);
    this.name = "TokenDecryptionError";
  }
}

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

function keyId(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 8);
}

export class TokenCipher {
  readonly #keys: readonly Key[];

  /** `keys`: 32-byte keys as standard base64, newest first. */
  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error("TokenCipher needs at least one key");
    this.#keys = keys.map((key) => {
      const bytes = Buffer.from(key, "base64");
      if (bytes.length !== 32) throw new Error("each token encryption key must be 32 bytes");
      return { id: keyId(bytes), bytes };
    });
  }

  seal(plaintext: string): string {
    const key = this.#keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
    cipher.setAAD(Buffer.from(`${VERSION}.${key.id}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, key.id, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  open(sealed: string): string {
    const parts = sealed.split(".");
    if (parts.length !== 5 || parts[0] !== VERSION) throw new TokenDecryptionError("unknown format");
    const [version, id, iv, ciphertext, tag] = parts as [string, string, string, string, string];
    const key = this.#keys.find((candidate) => candidate.id === id);
    if (!key) throw new TokenDecryptionError("its key is no longer in TOKEN_ENCRYPTION_KEYS");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`${version}.${id}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenDecryptionError("authentication failed");
    }
  }

  /** Whether the value was sealed with an older key (re-seal it with the newest). */
  isStale(sealed: string): boolean {
    return sealed.split(".")[1] !== this.#keys[0]!.id;
  }
}
