/** Login with Spotify, logout, and several users at once each seeing only their own data. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS } from "../src/session.js";
import { ALICE, BOB, Browser, OTHER_SECRET_KEY, REDIRECT_URI, SECRET_KEY, logIn, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

describe("OAuth login", () => {
  let suite: Suite;
  let app: RunningApp;

  beforeAll(async () => {
    suite = await startSuite("oauth");
    app = await startApp({ env: suite.env() });
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  it("keeps idle connections open longer than Heroku's router (90 s)", () => {
    expect(app.server.server.keepAliveTimeout).toBe(95_000);
  });

  it("sends anonymous visitors of the dashboard to /login", async () => {
    const response = await new Browser(app.url).get("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login");
  });

  it("/login redirects to Spotify's authorize endpoint with client, scope, redirect URI and a fresh state", async () => {
    const browser = new Browser(app.url);
    const response = await browser.get("/login");
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(`${suite.fake.url}/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: "fake-client-id",
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: expect.stringContaining("user-top-read"),
    });
    expect(location.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const second = new URL((await browser.get("/login")).headers.get("location") ?? "");
    expect(second.searchParams.get("state")).not.toBe(location.searchParams.get("state"));
  });

  it("the callback exchanges the code, stores the user and starts a persistent, HttpOnly, SameSite=Lax session", async () => {
    const browser = new Browser(app.url);
    const callback = await logIn(browser, suite.fake, ALICE);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/");
    const setCookie = callback.headers.getSetCookie().find((header) => header.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toContain(`Max-Age=${SESSION_MAX_AGE_SECONDS}`);
    expect(setCookie).not.toMatch(/Secure/i); // NODE_ENV=test; production sets Secure (checked below)

    const dashboard = await browser.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get("content-type")).toMatch(/text\/html/);
    expect(await dashboard.text()).toContain("Alice Liddell");

    const { rows } = await suite.db.query("SELECT spotify_user_id, display_name, email FROM euterpe.users WHERE spotify_user_id = 'alice'");
    expect(rows).toEqual([{ spotify_user_id: "alice", display_name: "Alice Liddell", email: "alice@example.com" }]);
    expect(suite.fake.tokenRequests("authorization_code")).not.toHaveLength(0);
  });

  it("logging in again updates the same user instead of creating another", async () => {
    await logIn(new Browser(app.url), suite.fake, ALICE);
    const { rows } = await suite.db.query("SELECT count(*)::int AS n FROM euterpe.users WHERE spotify_user_id = 'alice'");
    expect(rows).toEqual([{ n: 1 }]);
  });

  it.each([
    ["missing state", (query: URLSearchParams) => query.delete("state")],
    ["wrong state", (query: URLSearchParams) => query.set("state", "forged-state-value")],
  ])("rejects a callback with a %s with 400 and does not log in", async (_, tamper) => {
    const browser = new Browser(app.url);
    const authorize = (await browser.get("/login")).headers.get("location") ?? "";
    const callback = await suite.fake.approve(authorize, ALICE.id);
    tamper(callback.searchParams);
    const response = await browser.get(`${callback.pathname}?${callback.searchParams.toString()}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_state" });
    expect((await browser.get("/")).status).toBe(302);
  });

  it("rejects a callback from a browser that never visited /login (login CSRF)", async () => {
    const attacker = new Browser(app.url);
    const authorize = (await attacker.get("/login")).headers.get("location") ?? "";
    const callback = await suite.fake.approve(authorize, BOB.id);
    const victim = new Browser(app.url);
    const response = await victim.get(`${callback.pathname}${callback.search}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_state" });
  });

  it("a state is good for one callback only", async () => {
    const browser = new Browser(app.url);
    const authorize = (await browser.get("/login")).headers.get("location") ?? "";
    const callback = await suite.fake.approve(authorize, ALICE.id);
    expect((await browser.get(`${callback.pathname}${callback.search}`)).status).toBe(302);
    const replay = await browser.get(`${callback.pathname}${callback.search}`);
    expect(replay.status).toBe(400);
  });

  it("answers 400 when the user denies access, the code is bad, or the query is malformed", async () => {
    const browser = new Browser(app.url);
    const state = () => browser.get("/login").then((r) => new URL(r.headers.get("location") ?? "").searchParams.get("state") ?? "");

    const denied = await browser.get(`/callback?error=access_denied&state=${await state()}`);
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ error: "authorization_denied" });

    const badCode = await browser.get(`/callback?code=not-a-code&state=${await state()}`);
    expect(badCode.status).toBe(400);
    expect(await badCode.json()).toMatchObject({ error: "invalid_code" });

    const noCode = await browser.get(`/callback?state=${await state()}`);
    expect(noCode.status).toBe(400);
    expect(await noCode.json()).toMatchObject({ error: "missing_code" });

    const repeated = await browser.get("/callback?code=a&code=b&state=x");
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: "bad_request" });
  });

  it("logout ends the session and redirects to /login", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    expect((await browser.get("/")).status).toBe(200);
    const logout = await browser.get("/logout");
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe("/login");
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect((await browser.get("/")).status).toBe(302);
    expect(await (await browser.get("/health")).json()).toMatchObject({ authenticated: false, user: null });
  });

  it("a tampered session cookie is ignored", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const cookie = browser.cookie(SESSION_COOKIE) ?? "";
    browser.setCookie(SESSION_COOKIE, `A${cookie.slice(1)}`);
    expect((await browser.get("/")).status).toBe(302);
  });

  it("rejects bad dashboard input with 400 and unknown routes with a JSON 404", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const bad = await browser.get("/?time_range=forever");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "bad_request" });
    const missing = await browser.get("/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
  });

  it("refuses oversized request bodies with 413, not 500", async () => {
    const response = await new Browser(app.url).request("POST", "/logout", {
      body: JSON.stringify({ pad: "x".repeat(64 * 1024) }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "fst_err_ctp_body_too_large" });
  });
});

describe("two users at once", () => {
  let suite: Suite;
  let app: RunningApp;

  beforeAll(async () => {
    suite = await startSuite("multiuser");
    app = await startApp({ env: suite.env() });
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  it("each sees only their own tracks, artists, recent plays and playlists, and escaped", async () => {
    const alice = new Browser(app.url);
    const bob = new Browser(app.url);
    await Promise.all([logIn(alice, suite.fake, ALICE), logIn(bob, suite.fake, BOB)]);

    const [alicePage, bobPage] = await Promise.all([alice.get("/?time_range=short_term").then((r) => r.text()), bob.get("/").then((r) => r.text())]);
    for (const expected of ["Aurora Song 1", "Aurora Artist 1", "Aurora Recent 1", "Aurora Mix", "Alice Liddell"]) expect(alicePage).toContain(expected);
    for (const expected of ["Basalt Song 1", "Basalt Artist 2", "Basalt Recent 2", "Basalt Mix", "Bob &lt;Builder&gt; &amp; Sons"]) {
      expect(bobPage).toContain(expected);
    }
    expect(alicePage).not.toContain("Basalt");
    expect(bobPage).not.toContain("Aurora");
    expect(bobPage).not.toContain("<Builder>");

    const [aliceHealth, bobHealth] = await Promise.all([alice.get("/health").then((r) => r.json()), bob.get("/health").then((r) => r.json())]);
    expect(aliceHealth).toEqual({ status: "healthy", authenticated: true, user: "Alice Liddell" });
    expect(bobHealth).toEqual({ status: "healthy", authenticated: true, user: "Bob <Builder> & Sons" });

    const users = await suite.db.query("SELECT count(*)::int AS n FROM euterpe.user_tokens");
    expect(users.rows).toEqual([{ n: 2 }]);
  });

  it("stores tokens encrypted, never in plaintext", async () => {
    const { rows } = await suite.db.query<{ access_token_encrypted: string; refresh_token_encrypted: string }>(
      "SELECT access_token_encrypted, refresh_token_encrypted FROM euterpe.user_tokens",
    );
    for (const row of rows) {
      expect(row.access_token_encrypted).toMatch(/^gAAAAA/);
      expect(row.refresh_token_encrypted).toMatch(/^gAAAAA/);
      expect(row.access_token_encrypted).not.toContain("access-");
    }
  });
});

describe("session cookies", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("sessions", [ALICE]);
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("are Secure in production", async () => {
    const app = await startApp({ env: suite.env({ NODE_ENV: "production" }) });
    try {
      const response = await new Browser(app.url).get("/login");
      expect(response.headers.getSetCookie().join("\n")).toMatch(/Secure/);
    } finally {
      await app.close();
    }
  });

  it("survive a SECRET_KEY rotation when the old key is kept as SECRET_KEY_PREVIOUS, and are re-issued under the new key", async () => {
    const before = await startApp({ env: suite.env() });
    const browser = new Browser(before.url);
    await logIn(browser, suite.fake, ALICE);
    await before.close();
    const oldCookie = browser.cookie(SESSION_COOKIE) ?? "";

    const rotated = await startApp({ env: suite.env({ SECRET_KEY: OTHER_SECRET_KEY, SECRET_KEY_PREVIOUS: SECRET_KEY }) });
    const withoutPrevious = await startApp({ env: suite.env({ SECRET_KEY: OTHER_SECRET_KEY }) });
    try {
      browser.baseUrl = rotated.url;
      const page = await browser.get("/");
      expect(page.status).toBe(200);
      const newCookie = browser.cookie(SESSION_COOKIE) ?? "";
      expect(newCookie).not.toBe(oldCookie);

      const stranger = new Browser(withoutPrevious.url);
      stranger.setCookie(SESSION_COOKIE, oldCookie);
      expect((await stranger.get("/")).status).toBe(302);
      stranger.setCookie(SESSION_COOKIE, newCookie);
      expect((await stranger.get("/")).status).toBe(200);
    } finally {
      await rotated.close();
      await withoutPrevious.close();
    }
  });
});
