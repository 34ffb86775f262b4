/**
 * HS256 keys with dual-key rotation: tokens are signed with the current
 * secret and verified against the current one and `…_PREVIOUS`, so a
 * rotation signs nobody out. Each token names its key by a fingerprint in the
 * `kid` header (never the secret), so verification tries exactly one key.
 */
import { createHash } from "node:crypto";
import type { JWTVerifyGetKey } from "jose";

export interface SigningSecrets {
  readonly current: string;
  readonly previous?: string | undefined;
}

function fingerprint(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("base64url").slice(0, 12);
}

export class KeyRing {
  readonly signingKid: string;
  readonly signingKey: Uint8Array;
  readonly #byKid: ReadonlyMap<string, Uint8Array>;

  constructor(secrets: SigningSecrets) {
    const encoder = new TextEncoder();
    this.signingKid = fingerprint(secrets.current);
    this.signingKey = encoder.encode(secrets.current);
    const entries: [string, Uint8Array][] = [[this.signingKid, this.signingKey]];
    if (secrets.previous !== undefined && secrets.previous !== secrets.current) {
      entries.push([fingerprint(secrets.previous), encoder.encode(secrets.previous)]);
    }
    this.#byKid = new Map(entries);
  }

  /** jose's key resolver: the key the token's `kid` names; anything else fails verification. */
  readonly resolve: JWTVerifyGetKey = (header) => {
    const key = header.kid === undefined ? undefined : this.#byKid.get(header.kid);
    if (key === undefined) throw new Error("token signed with an unknown key");
    return key;
  };
}
