/**
 * The pure parts: the token cipher and its key rotation, the engagement
 * and toxicity arithmetic, return_to sanitising, and the env schema.
 */
import { describe, expect, it } from "vitest";
import { TokenCipher, TokenDecryptionError } from "../src/auth/token-cipher.js";
import { loadEnv } from "../src/env.js";
import { safeReturnTo } from "../src/routes/auth.js";
import { decayedScore, engagementOf } from "../src/scoring/engagement.js";
import { flaggedCategories, isFlagged, toxicityOf } from "../src/scoring/toxicity.js";
import { KEY_A, KEY_B, testEnv } from "./support/harness.js";

describe("TokenCipher", () => {
  it("seals with the newest key and opens with any listed key, so a rotation loses no token", () => {
    const sealedUnderA = new TokenCipher([KEY_A]).seal("THLL-secret-token");
    expect(sealedUnderA).not.toContain("secret");
    const rotated = new TokenCipher([KEY_B, KEY_A]);
    expect(rotated.open(sealedUnderA)).toBe("THLL-secret-token");
    expect(rotated.isStale(sealedUnderA)).toBe(true);
    const resealed = rotated.seal("THLL-secret-token");
    expect(rotated.isStale(resealed)).toBe(false);
    expect(() => new TokenCipher([KEY_A]).open(resealed)).toThrow(TokenDecryptionError);
  });

  it("refuses a tampered value and never seals the same value twice alike", () => {
    const cipher = new TokenCipher([KEY_A]);
    const sealed = cipher.seal("token");
    expect(cipher.seal("token")).not.toBe(sealed);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => cipher.open(parts.join("."))).toThrow(TokenDecryptionError);
    expect(() => cipher.open("plain-token")).toThrow(TokenDecryptionError);
  });
});

describe("scoring", () => {
  it("weights interactions and decays them by age in hours", () => {
    expect(engagementOf({ likes: 10, replies: 2, reposts: 1, quotes: 1 })).toBe(10 + 4 + 3 + 3);
    const published = new Date("2026-01-01T00:00:00Z");
    expect(decayedScore(20, published, published, 0.1)).toBe(20);
    expect(decayedScore(20, published, new Date("2026-01-01T10:00:00Z"), 0.1)).toBeCloseTo(20 * Math.exp(-1), 12);
    expect(decayedScore(20, published, new Date("2026-01-02T00:00:00Z"), 0)).toBe(20);
    // A post stamped in the future counts as brand new, never as more than its engagement.
    expect(decayedScore(20, new Date("2026-01-02T00:00:00Z"), published, 0.1)).toBe(20);
  });

  it("takes the worst category as toxicity and flags at the threshold", () => {
    const scores = { harassment: 0.93, hate: 0.86, violence: 0.2 };
    expect(toxicityOf(scores)).toBe(0.93);
    expect(toxicityOf({})).toBe(0);
    expect(isFlagged(0.8, 0.8)).toBe(true);
    expect(isFlagged(0.79, 0.8)).toBe(false);
    expect(isFlagged(null, 0)).toBe(false);
    expect(flaggedCategories(scores, 0.8)).toEqual(["harassment", "hate"]);
    expect(flaggedCategories(scores, 0.9)).toEqual(["harassment"]);
  });
});

describe("safeReturnTo", () => {
  it("keeps paths on the web app and drops everything else", () => {
    expect(safeReturnTo("/dashboard/replies?page=2")).toBe("/dashboard/replies?page=2");
    for (const value of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", undefined, ["/a"], `/${"a".repeat(600)}`]) {
      expect(safeReturnTo(value)).toBe("/dashboard");
    }
  });
});

describe("env", () => {
  const services = { databaseUrl: "postgres://postgres@127.0.0.1:5432/x", redisPrefix: "threads-api:", threadsUrl: "http://127.0.0.1:9" };

  it("defaults the retention age and the moderation model", () => {
    const env = testEnv(services);
    expect(env.RETENTION_DAYS).toBe(90);
    expect(env.OPENAI_MODEL).toBe("omni-moderation-latest");
    expect(env.CORS_ALLOWED_ORIGINS).toEqual(["https://app.example.test"]);
  });

  it("names every bad variable, never its value", () => {
    let message = "";
    try {
      loadEnv({ ...Object.fromEntries(Object.entries(testEnv(services)).map(([key, value]) => [key, String(value)])), RETENTION_DAYS: "0", CORS_ALLOWED_ORIGINS: "https://ok.example,https://bad.example/path", JWT_ACCESS_SECRET: "short-secret-value" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("RETENTION_DAYS: must be at least 1");
    expect(message).toContain("CORS_ALLOWED_ORIGINS");
    expect(message).toContain("JWT_ACCESS_SECRET");
    expect(message).not.toContain("short-secret-value");
  });
});
