/**
 * API keys for servers that write without a browser session. Every key in
 * API_KEYS is accepted (newest first, the previous one kept during a
 * rotation). Keys are compared as SHA-256 digests in constant time, and a key
 * is known in logs only by its id: the first 12 hex characters of its digest.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";

const digest = (key: string) => createHash("sha256").update(key, "utf8").digest();

export class ApiKeyring {
  readonly #keys: readonly { readonly digest: Buffer; readonly id: string }[];

  constructor(keys: readonly string[]) {
    this.#keys = keys.map((key) => {
      const keyDigest = digest(key);
      return { digest: keyDigest, id: keyDigest.toString("hex").slice(0, 12) };
    });
  }

  /** The id of the key presented, or `undefined` when it is none of ours. */
  identify(presented: string): string | undefined {
    const presentedDigest = digest(presented);
    let match: string | undefined;
    // Compare with every key, so the time taken says nothing about which matched.
    for (const key of this.#keys) if (timingSafeEqual(key.digest, presentedDigest)) match ??= key.id;
    return match;
  }
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedApiKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  const header = request.headers["x-api-key"];
  return typeof header === "string" && header.trim() !== "" ? header.trim() : undefined;
}
