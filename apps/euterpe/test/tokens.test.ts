/** Token refresh, revoked grants, Spotify's rate limits, ENCRYPTION_KEY rotation, unreadable rows and re-encryption. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPool } from "../src/db.js";
import { Fernet, FernetKeyring, InvalidFernetToken } from "../src/fernet.js";
import { SESSION_COOKIE } from "../src/session.js";
import { reencryptAllTokens } from "../src/token-reencryption.js";
import { UserRepository } from "../src/users.js";
import { createLogger } from "../src/logger.js";
import { ALICE, BOB, Browser, KEY_A, KEY_B, KEY_C, logIn, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";
import type { FakeUserProfile } from "./support/spotify-data.js";

const CAROL: FakeUserProfile = { id: "carol", displayName: "Carol", email: "carol@example.com", tag: "Cobalt" };

/** Log lines captured from an app, parsed. */
function capture(): { lines: Record<string, unknown>[]; destination: { write(line: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

interface StoredRow {
  access_token_encrypted: string;
  refresh_token_encrypted: string;
  /** As stored (to compare rows). */
  expires_at: string;
  /** Seconds left, relative to now (changes from one read to the next). */
  expires_in: number;
}

/** The stored columns of a row, without what depends on the time it is read. */
function storedColumns(row: StoredRow | undefined): Omit<StoredRow, "expires_in"> | undefined {
  if (row === undefined) return undefined;
  const { expires_in: _secondsLeft, ...columns } = row;
  return columns;
}

async function storedTokens(suite: Suite, spotifyUserId: string): Promise<StoredRow | undefined> {
  const { rows } = await suite.db.query<StoredRow>(
    `SELECT t.access_token_encrypted, t.refresh_token_encrypted, t.expires_at::text AS expires_at,
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
    // Every page asks Spotify (no cache), so each test sees the token handling at work.
    app = await startApp({ env: suite.env({ SPOTIFY_CACHE_SECONDS: "0" }), spotifyHttp: { sleep: async (ms) => void waits.push(ms) } });
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

    const cookieBefore = browser.cookie(SESSION_COOKIE);
    const page = await browser.get("/");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login");
    // The cookie now carries only the notice for the login page.
    expect(browser.cookie(SESSION_COOKIE)).not.toBe(cookieBefore);
    expect(await storedTokens(suite, ALICE.id)).toBeUndefined();
    expect((await browser.get("/")).status).toBe(302);
    expect(await (await browser.get("/login")).text()).toContain("Your Spotify login has ended. Please log in again.");

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

    suite.fake.rateLimitNext("/v1/me/playlists", 90);
    const forPerson = await browser.request("GET", "/", { headers: { accept: "text/html" } });
    expect(forPerson.status).toBe(503);
    expect(forPerson.headers.get("retry-after")).toBe("90");
    const text = await forPerson.text();
    expect(text).toContain("Spotify is busy");
    expect(text).toContain("Spotify asked us to slow down. Please try again in 90 s.");
    expect(text).toContain('href="/">Try again</a>');
  });

  it("answers 502 with a Try again page when Spotify fails", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, BOB);
    suite.fake.failNext("/v1/me/top/tracks", 503);
    const page = await browser.request("GET", "/?time_range=long_term", { headers: { accept: "text/html" } });
    expect(page.status).toBe(502);
    const text = await page.text();
    expect(text).toContain("Spotify is not answering");
    expect(text).toContain('href="/?time_range=long_term">Try again</a>');
    expect((await browser.get("/?time_range=long_term")).status).toBe(200);
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

describe("a token row no configured key can read", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("unreadable", [ALICE]);
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("sends the user through login instead of failing: the row is cleared and one warning names the user", async () => {
    const underA = await startApp({ env: suite.env({ ENCRYPTION_KEY: KEY_A }) });
    const browser = new Browser(underA.url);
    await logIn(browser, suite.fake, ALICE);
    await underA.close();

    // KEY_A was dropped before Alice came back.
    const log = capture();
    const underB = await startApp({ env: suite.env({ ENCRYPTION_KEY: KEY_B, LOG_LEVEL: "info" }), logDestination: log.destination });
    try {
      browser.baseUrl = underB.url;
      const [first, second] = await Promise.all([browser.get("/"), browser.get("/")]);
      for (const page of [first, second]) {
        expect(page.status).toBe(302);
        expect(page.headers.get("location")).toBe("/login");
      }
      expect(await storedTokens(suite, ALICE.id)).toBeUndefined();
      const warnings = log.lines.filter((line) => line.level === "warn");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ msg: expect.stringContaining("cannot be decrypted"), userId: expect.any(String) });
      expect(log.lines.some((line) => line.level === "error" || (line.res as { statusCode?: number } | undefined)?.statusCode === 500)).toBe(false);

      // Logging in again stores tokens under the key in use, and the dashboard works.
      await logIn(browser, suite.fake, ALICE);
      expect((await browser.get("/")).status).toBe(200);
      expect(decryptWith(KEY_B, (await storedTokens(suite, ALICE.id))?.access_token_encrypted ?? "")).toMatch(/^access-/);
    } finally {
      await underB.close();
    }
  });
});

describe("UserRepository and an unreadable row", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("unreadable_repo", [ALICE]);
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("a refresh that finds the locked row unreadable removes it and says so, without refreshing", async () => {
    const underC = await startApp({ env: suite.env({ ENCRYPTION_KEY: KEY_C }) });
    await logIn(new Browser(underC.url), suite.fake, ALICE);
    await underC.close();
    const { rows } = await suite.db.query<{ id: string }>("SELECT id FROM euterpe.users WHERE spotify_user_id = 'alice'");
    const userId = rows[0]?.id ?? "";

    const env = suite.env({ ENCRYPTION_KEY: KEY_A });
    const pool = createPool(env, () => undefined);
    try {
      const users = new UserRepository(pool, new FernetKeyring(env.ENCRYPTION_KEY));
      let refreshed = false;
      const attempt = users.replaceTokens(userId, async () => {
        refreshed = true;
        return null;
      });
      await expect(attempt).rejects.toMatchObject({ name: "UnreadableTokens", userId, cleared: true });
      expect(refreshed).toBe(false);
      expect(await storedTokens(suite, ALICE.id)).toBeUndefined();
      await expect(users.replaceTokens(userId, async () => null)).resolves.toBeNull();
    } finally {
      await pool.end();
    }
  });
});

describe("re-encrypting every row under the newest key (node dist/reencrypt.js)", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("reencrypt", [ALICE, BOB, CAROL]);
    // Alice's row under A, Bob's under B, Carol's under C (a key the command is not given).
    for (const [user, key] of [[ALICE, KEY_A], [BOB, KEY_B], [CAROL, KEY_C]] as const) {
      const app = await startApp({ env: suite.env({ ENCRYPTION_KEY: key }) });
      await logIn(new Browser(app.url), suite.fake, user);
      await app.close();
    }
  });
  afterAll(async () => {
    await suite?.close();
  });

  async function run(keys: string[], batchSize: number) {
    const env = suite.env({ ENCRYPTION_KEY: keys.join(",") });
    const pool = createPool(env, () => undefined);
    const log = capture();
    try {
      const users = new UserRepository(pool, new FernetKeyring(env.ENCRYPTION_KEY));
      return { report: await reencryptAllTokens(users, { logger: createLogger("info", log.destination), batchSize }), lines: log.lines };
    } finally {
      await pool.end();
    }
  }

  it("rewrites rows under older keys, leaves current ones, reports unreadable ones, and is idempotent", async () => {
    const aliceBefore = await storedTokens(suite, ALICE.id);
    const bobBefore = await storedTokens(suite, BOB.id);
    const carolBefore = await storedTokens(suite, CAROL.id);

    const first = await run([KEY_B, KEY_A], 1);
    expect(first.report).toEqual({ total: 3, reencrypted: 1, current: 1, changed: 0, unreadable: 1, complete: true });
    // One progress line per full batch, one warning for Carol.
    expect(first.lines.filter((line) => line.msg === "re-encryption progress").length).toBeGreaterThanOrEqual(2);
    expect(first.lines.filter((line) => line.level === "warn")).toHaveLength(1);

    const aliceAfter = await storedTokens(suite, ALICE.id);
    expect(decryptWith(KEY_B, aliceAfter?.access_token_encrypted ?? "")).toBe(decryptWith(KEY_A, aliceBefore?.access_token_encrypted ?? ""));
    expect(decryptWith(KEY_B, aliceAfter?.refresh_token_encrypted ?? "")).toBe(decryptWith(KEY_A, aliceBefore?.refresh_token_encrypted ?? ""));
    expect(storedColumns(await storedTokens(suite, BOB.id))).toEqual(storedColumns(bobBefore));
    expect(storedColumns(await storedTokens(suite, CAROL.id))).toEqual(storedColumns(carolBefore));

    const second = await run([KEY_B, KEY_A], 100);
    expect(second.report).toEqual({ total: 3, reencrypted: 0, current: 2, changed: 0, unreadable: 1, complete: true });

    // A is no longer needed: B alone reads Alice's and Bob's rows.
    for (const user of [ALICE, BOB]) {
      const row = await storedTokens(suite, user.id);
      expect(() => decryptWith(KEY_B, row?.access_token_encrypted ?? "")).not.toThrow();
      expect(() => decryptWith(KEY_B, row?.refresh_token_encrypted ?? "")).not.toThrow();
    }
  });

  it("stops after the batch in progress when asked to", async () => {
    const env = suite.env({ ENCRYPTION_KEY: KEY_B });
    const pool = createPool(env, () => undefined);
    try {
      const stop = new AbortController();
      stop.abort();
      const report = await reencryptAllTokens(new UserRepository(pool, new FernetKeyring(env.ENCRYPTION_KEY)), {
        logger: createLogger("silent"),
        signal: stop.signal,
      });
      expect(report.complete).toBe(false);
    } finally {
      await pool.end();
    }
  });
});
