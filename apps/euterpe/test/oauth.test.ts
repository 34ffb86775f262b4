/** Login with Spotify, logout, and several users at once each seeing only their own data. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS } from "../src/session.js";
import { ALICE, BOB, Browser, OTHER_SECRET_KEY, REDIRECT_URI, SECRET_KEY, csrfTokenIn, logIn, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

/** Where /login/spotify sends the browser, as a URL. */
async function authorizeUrl(browser: Browser, path = "/login/spotify"): Promise<URL> {
  const response = await browser.get(path);
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") ?? "");
}

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

  it("sends anonymous visitors of the dashboard to /login, a page with a Log in with Spotify button", async () => {
    const browser = new Browser(app.url);
    const response = await browser.get("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login");
    const login = await browser.get("/login");
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toMatch(/text\/html/);
    const page = await login.text();
    expect(page).toContain('<a class="button" id="log-in" href="/login/spotify">Log in with Spotify</a>');
    expect(page).not.toContain('id="notice"');
  });

  it("/login/spotify redirects to Spotify's authorize endpoint with client, scope, redirect URI and a fresh state", async () => {
    const browser = new Browser(app.url);
    const location = await authorizeUrl(browser);
    expect(`${location.origin}${location.pathname}`).toBe(`${suite.fake.url}/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: "fake-client-id",
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: expect.stringContaining("user-top-read"),
    });
    expect(location.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // A first login lets Spotify skip its screen for a user who approved the app before.
    expect(location.searchParams.has("show_dialog")).toBe(false);
    const second = await authorizeUrl(browser);
    expect(second.searchParams.get("state")).not.toBe(location.searchParams.get("state"));
  });

  it("asks Spotify to show its dialog when the user switches account", async () => {
    const location = await authorizeUrl(new Browser(app.url), "/login/spotify?switch=1");
    expect(location.searchParams.get("show_dialog")).toBe("true");
    const bad = await new Browser(app.url).get("/login/spotify?switch=yes");
    expect(bad.status).toBe(400);
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
    // The login page has nothing to offer someone logged in.
    expect((await browser.get("/login")).headers.get("location")).toBe("/");

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
    const authorize = (await browser.get("/login/spotify")).headers.get("location") ?? "";
    const callback = await suite.fake.approve(authorize, ALICE.id);
    tamper(callback.searchParams);
    const response = await browser.get(`${callback.pathname}?${callback.searchParams.toString()}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_state" });
    expect((await browser.get("/")).status).toBe(302);
  });

  it("rejects a callback from a browser that never started the login (login CSRF)", async () => {
    const attacker = new Browser(app.url);
    const authorize = (await attacker.get("/login/spotify")).headers.get("location") ?? "";
    const callback = await suite.fake.approve(authorize, BOB.id);
    const victim = new Browser(app.url);
    const response = await victim.get(`${callback.pathname}${callback.search}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_state" });
  });

  it("a state is good for one callback only", async () => {
    const browser = new Browser(app.url);
    const authorize = (await browser.get("/login/spotify")).headers.get("location") ?? "";
    const callback = await suite.fake.approve(authorize, ALICE.id);
    expect((await browser.get(`${callback.pathname}${callback.search}`)).status).toBe(302);
    const replay = await browser.get(`${callback.pathname}${callback.search}`);
    expect(replay.status).toBe(400);
  });

  it("answers 400 when the user denies access, the code is bad, or the query is malformed", async () => {
    const browser = new Browser(app.url);
    const state = () => authorizeUrl(browser).then((url) => url.searchParams.get("state") ?? "");

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

  it("shows a person a page for a denied or stale login, with a way back in", async () => {
    const browser = new Browser(app.url);
    const asPerson = { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } };
    const state = (await authorizeUrl(browser)).searchParams.get("state") ?? "";
    const denied = await browser.request("GET", `/callback?error=access_denied&state=${state}`, asPerson);
    expect(denied.status).toBe(400);
    expect(denied.headers.get("content-type")).toMatch(/text\/html/);
    const deniedPage = await denied.text();
    expect(deniedPage).toContain('data-code="authorization_denied"');
    expect(deniedPage).toContain("You did not allow Euterpe to read your Spotify account");
    expect(deniedPage).toContain('href="/login/spotify?switch=1">Try again</a>');

    const stale = await browser.request("GET", `/callback?code=x&state=${state}`, asPerson);
    expect(stale.status).toBe(400);
    const stalePage = await stale.text();
    expect(stalePage).toContain("This login has gone stale");
    expect(stalePage).toContain('href="/login">Log in again</a>');
  });

  it("shows a 403 page when Spotify refuses the account (not on the app's allow-list in development mode)", async () => {
    const browser = new Browser(app.url);
    const callback = await suite.fake.approve((await authorizeUrl(browser)).toString(), "mallory");
    const refused = await browser.request("GET", `${callback.pathname}${callback.search}`, { headers: { accept: "text/html" } });
    expect(refused.status).toBe(403);
    const page = await refused.text();
    expect(page).toContain("Spotify said no");
    expect(page).toContain('href="/login/spotify?switch=1">Use another Spotify account</a>');
    expect((await browser.get("/")).status).toBe(302);
  });

  it("log out is a form POST with a CSRF token; a POST without it changes nothing", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const dashboard = await (await browser.get("/")).text();
    expect(dashboard).toMatch(/<form method="post" action="\/logout"><input type="hidden" name="_csrf" value="[^"]+">/);

    const forged = await browser.postForm("/logout", {});
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('data-code="form_expired"');
    const wrong = await browser.request("POST", "/logout", {
      body: "_csrf=not-the-token",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: "form_expired" });
    expect((await browser.get("/")).status).toBe(200);

    // Another browser's token does not work either.
    const other = new Browser(app.url);
    await logIn(other, suite.fake, ALICE);
    const otherToken = csrfTokenIn(await (await other.get("/")).text());
    expect((await browser.postForm("/logout", { _csrf: otherToken })).status).toBe(403);
    expect((await browser.get("/")).status).toBe(200);
  });

  it("logging out shows the signed-out login page, and the next login makes Spotify ask again", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const token = csrfTokenIn(await (await browser.get("/")).text());
    const logout = await browser.postForm("/logout", { _csrf: token });
    expect(logout.status).toBe(303);
    expect(logout.headers.get("location")).toBe("/login");
    expect((await browser.get("/")).status).toBe(302);
    expect(await (await browser.get("/health")).json()).toMatchObject({ authenticated: false, user: null });

    const page = await (await browser.get("/login")).text();
    expect(page).toContain("You are signed out.");
    expect(page).toContain(">Log in with Spotify</a>");
    expect((await authorizeUrl(browser)).searchParams.get("show_dialog")).toBe("true");

    // Once logged in again, the next login is an ordinary one.
    await logIn(browser, suite.fake, ALICE);
    expect((await browser.get("/")).status).toBe(200);
    expect((await authorizeUrl(browser)).searchParams.has("show_dialog")).toBe(false);
  });

  it("GET /logout asks before logging out; without a login both forms go to /login", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const confirm = await browser.get("/logout");
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("Log out of Euterpe?");
    expect((await browser.get("/")).status).toBe(200);
    expect((await browser.postForm("/logout", { _csrf: csrfTokenIn(page) })).status).toBe(303);

    const anonymous = new Browser(app.url);
    expect((await anonymous.get("/logout")).headers.get("location")).toBe("/login");
    const post = await anonymous.postForm("/logout", {});
    expect(post.status).toBe(303);
    expect(post.headers.get("location")).toBe("/login");
  });

  it("a tampered session cookie is ignored", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const cookie = browser.cookie(SESSION_COOKIE) ?? "";
    // Always a different first character, so the ciphertext really changes.
    const tampered = `${cookie.startsWith("A") ? "B" : "A"}${cookie.slice(1)}`;
    expect(tampered).not.toBe(cookie);
    browser.setCookie(SESSION_COOKIE, tampered);
    expect((await browser.get("/")).status).toBe(302);
  });

  it("rejects bad dashboard input with 400 and unknown routes with 404: JSON for clients, pages for people", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const bad = await browser.get("/?time_range=forever");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "bad_request" });
    const missing = await browser.get("/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });

    const asPerson = { headers: { accept: "text/html" } };
    const badPage = await browser.request("GET", "/?time_range=forever", asPerson);
    expect(badPage.status).toBe(400);
    expect(await badPage.text()).toContain("time_range must be one of short_term, medium_term, long_term.");
    const missingPage = await browser.request("GET", "/nope", asPerson);
    expect(missingPage.status).toBe(404);
    const text = await missingPage.text();
    expect(text).toContain("Page not found");
    expect(text).toContain('href="/">Go to my dashboard</a>');
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
      const response = await new Browser(app.url).get("/login/spotify");
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
