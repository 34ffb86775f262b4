/** Token refresh, revoked grants, Spotify's rate limits, and ENCRYPTION_KEY rotation. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Fernet, InvalidFernetToken } from "../src/fernet.js";
import { SESSION_COOKIE } from "../src/session.js";
import { ALICE, BOB, Browser, KEY_A, KEY_B, logIn, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

interface StoredRow {
  access_token_encrypted: string;
  refresh_token_encrypted: string;
  expires_in: number;
}

async function storedTokens(suite: Suite, spotifyUserId: string): Promise<StoredRow | undefined> {
  const { rows } = await suite.db.query<StoredRow>(
    `SELECT t.access_token_encrypted, t.refresh_token_encrypted,
            extract(epoch FROM t.expires_at - (now() AT TIME ZONE 'UTC'))::int AS expires_in
     FROM euterpe.user_tokens t JOIN euterpe.users u ON u.id = t.user_id WHERE u.spotify_user_id = $1`,
    [spotifyUserId],
  );
  return rows[0];
}

function decryptWith(key: string, token: string): string {
  return new Fernet(key).decrypt(token).toString("utf8");
}

describe("access token refresh", () => {
  let suite: Suite;
  let app: RunningApp;
  const waits: number[] = [];

  beforeAll(async () => {
    suite = await startSuite("refresh");
    app = await startApp({ env: suite.env(), spotifyHttp: { sleep: async (ms) => void waits.push(ms) } });
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });
  beforeEach(() => {
    suite.fake.accessTokenLifetimeSeconds = 3600;
    suite.fake.rotateRefreshTokens = false;
    waits.length = 0;
  });

  it("does not refresh while more than two minutes remain", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const refreshesBefore = suite.fake.tokenRequests("refresh_token").length;
    expect((await browser.get("/")).status).toBe(200);
    expect(suite.fake.tokenRequests("refresh_token")).toHaveLength(refreshesBefore);
  });

  it("refreshes when less than two minutes remain and stores the new token at once", async () => {
    suite.fake.accessTokenLifetimeSeconds = 100;
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const before = await storedTokens(suite, ALICE.id);
    expect(before?.expires_in).toBeLessThanOrEqual(100);

    suite.fake.accessTokenLifetimeSeconds = 3600;
    suite.fake.rotateRefreshTokens = true;
    const refreshesBefore = suite.fake.tokenRequests("refresh_token").length;
    expect((await browser.get("/")).status).toBe(200);
    expect(suite.fake.tokenRequests("refresh_token")).toHaveLength(refreshesBefore + 1);

    const after = await storedTokens(suite, ALICE.id);
    expect(after?.expires_in).toBeGreaterThan(3500);
    expect(decryptWith(KEY_A, after?.access_token_encrypted ?? "")).not.toBe(decryptWith(KEY_A, before?.access_token_encrypted ?? ""));
    expect(decryptWith(KEY_A, after?.refresh_token_encrypted ?? "")).not.toBe(decryptWith(KEY_A, before?.refresh_token_encrypted ?? ""));

    // The stored token is the one in use: the next page needs no refresh.
    expect((await browser.get("/")).status).toBe(200);
    expect(suite.fake.tokenRequests("refresh_token")).toHaveLength(refreshesBefore + 1);
  });

  it("keeps the refresh token when Spotify's refresh answer carries none", async () => {
    suite.fake.accessTokenLifetimeSeconds = 60;
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, BOB);
    const before = await storedTokens(suite, BOB.id);
    expect((await browser.get("/")).status).toBe(200);
    const after = await storedTokens(suite, BOB.id);
    expect(decryptWith(KEY_A, after?.refresh_token_encrypted ?? "")).toBe(decryptWith(KEY_A, before?.refresh_token_encrypted ?? ""));
  });

  it("concurrent pages of one user refresh the grant once", async () => {
    suite.fake.accessTokenLifetimeSeconds = 30;
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    suite.fake.accessTokenLifetimeSeconds = 3600;
    const refreshesBefore = suite.fake.tokenRequests("refresh_token").length;
    const statuses = await Promise.all([1, 2, 3, 4].map(() => browser.get("/").then((r) => r.status)));
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(suite.fake.tokenRequests("refresh_token")).toHaveLength(refreshesBefore + 1);
  });

  it("refreshes once and retries when Spotify refuses a token that looked valid", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, BOB);
    suite.fake.invalidateAccessTokens(BOB.id);
    const refreshesBefore = suite.fake.tokenRequests("refresh_token").length;
    const page = await browser.get("/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Basalt Song 1");
    expect(suite.fake.tokenRequests("refresh_token")).toHaveLength(refreshesBefore + 1);
  });

  it("a revoked refresh token clears the session and sends the user to /login", async () => {
    suite.fake.accessTokenLifetimeSeconds = 60;
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    suite.fake.revokeRefreshTokens(ALICE.id);

    const page = await browser.get("/");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login");
    expect(page.headers.getSetCookie().join("\n")).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`, "i"));
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect(await storedTokens(suite, ALICE.id)).toBeUndefined();
    expect((await browser.get("/")).status).toBe(302);

    // Logging in again works as on day one.
    suite.fake.accessTokenLifetimeSeconds = 3600;
    await logIn(browser, suite.fake, ALICE);
    expect((await browser.get("/")).status).toBe(200);
  });

  it("waits out a 429 as Retry-After says, then succeeds", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, BOB);
    suite.fake.rateLimitNext("/v1/me/top/artists", 2);
    const page = await browser.get("/");
    expect(page.status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  it("answers 503 with Retry-After when Spotify asks for a longer wait than a page can hold", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, BOB);
    suite.fake.rateLimitNext("/v1/me/playlists", 120);
    const page = await browser.get("/");
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("120");
    expect(await page.json()).toMatchObject({ error: "spotify_rate_limited" });
    expect(waits).toEqual([]);
  });

  it("rides out a 429 on the token endpoint during a refresh", async () => {
    suite.fake.accessTokenLifetimeSeconds = 60;
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    suite.fake.rateLimitNext("/api/token", 1);
    expect((await browser.get("/")).status).toBe(200);
    expect(waits).toEqual([1000]);
  });
});

describe("ENCRYPTION_KEY rotation", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("rotation");
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("rows written under A are read after 'B,A', re-encrypted under B on use, then read with B alone", async () => {
    const underA = await startApp({ env: suite.env({ ENCRYPTION_KEY: KEY_A }) });
    const alice = new Browser(underA.url);
    const bob = new Browser(underA.url);
    await logIn(alice, suite.fake, ALICE);
    await logIn(bob, suite.fake, BOB);
    await underA.close();
    const aliceUnderA = await storedTokens(suite, ALICE.id);
    const aliceAccessToken = decryptWith(KEY_A, aliceUnderA?.access_token_encrypted ?? "");

    const underBA = await startApp({ env: suite.env({ ENCRYPTION_KEY: `${KEY_B},${KEY_A}` }) });
    alice.baseUrl = underBA.url;
    expect((await alice.get("/")).status).toBe(200);
    await underBA.close();

    const aliceUnderB = await storedTokens(suite, ALICE.id);
    expect(decryptWith(KEY_B, aliceUnderB?.access_token_encrypted ?? "")).toBe(aliceAccessToken);
    expect(decryptWith(KEY_B, aliceUnderB?.refresh_token_encrypted ?? "")).toBe(decryptWith(KEY_A, aliceUnderA?.refresh_token_encrypted ?? ""));
    expect(() => decryptWith(KEY_A, aliceUnderB?.access_token_encrypted ?? "")).toThrow(InvalidFernetToken);
    // Bob did not visit: his row is still under A.
    const bobRow = await storedTokens(suite, BOB.id);
    expect(() => decryptWith(KEY_A, bobRow?.access_token_encrypted ?? "")).not.toThrow();

    const underB = await startApp({ env: suite.env({ ENCRYPTION_KEY: KEY_B }) });
    try {
      alice.baseUrl = underB.url;
      const page = await alice.get("/");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Aurora Song 1");
    } finally {
      await underB.close();
    }
  });
});
