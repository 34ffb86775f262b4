/**
 * Sign in with Threads and our own session, end to end against the fake
 * Threads, real Postgres and Redis: the OAuth round trip and its failures,
 * the cookies of API.md, refresh rotation and reuse detection, logout, and
 * dual-key rotation of the signing secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCipher } from "../src/auth/token-cipher.js";
import {
  ACCESS_SECRET,
  ACCESS_SECRET_NEXT,
  API_ORIGIN,
  Browser,
  CLIENT_ID,
  KEY_A,
  REFRESH_SECRET,
  REFRESH_SECRET_NEXT,
  signIn,
  startApp,
  startSuite,
  WEB_ORIGIN,
  type RunningApp,
  type Suite,
} from "./support/harness.js";

let suite: Suite;
let app: RunningApp;

beforeAll(async () => {
  suite = await startSuite("auth");
  app = await startApp({ env: suite.env() });
});
afterAll(async () => {
  await app?.close();
  await suite?.close();
});

const browser = () => new Browser(app.url, WEB_ORIGIN);

describe("GET /api/v1/auth/threads/login", () => {
  it("sends the browser to Threads' authorize URL with a state bound to a short-lived cookie", async () => {
    const response = await browser().get("/api/v1/auth/threads/login?return_to=/dashboard/replies");
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${suite.threads.url}/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: `${API_ORIGIN}/api/v1/auth/threads/callback`,
      scope: "threads_basic,threads_read_replies,threads_manage_insights",
      response_type: "code",
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith("threads_oauth_state="));
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth\/threads/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });
});

describe("GET /api/v1/auth/threads/callback", () => {
  it("swaps the code for a long-lived token, stores it sealed, sets both session cookies and returns to the web app", async () => {
    const user = browser();
    const response = await signIn(user, suite.threads, "alice", "/dashboard?tab=top");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${WEB_ORIGIN}/dashboard?tab=top`);

    for (const name of ["threads_access", "threads_refresh"]) {
      const attributes = user.cookieAttributes(name);
      expect(attributes, name).toBeDefined();
      expect(attributes).toEqual(expect.arrayContaining(["httponly", "path=/", "domain=example.test", "secure", "samesite=none"]));
    }
    expect(user.cookieAttributes("threads_access")).toContain("max-age=900");
    expect(user.cookieAttributes("threads_refresh")).toContain("max-age=2592000");
    expect(user.cookie("threads_oauth_state")).toBeUndefined();

    // Authorization code, then th_exchange_token, then the profile.
    const calls = suite.threads.requests.filter((request) => request.path !== "/oauth/authorize").map((request) => request.grantType ?? request.path);
    expect(calls.slice(-3)).toEqual(["authorization_code", "th_exchange_token", "/v1.0/me"]);

    const { rows } = await suite.db.query<{ threads_user_id: string; username: string; display_name: string; access_token_encrypted: string; expires_at: Date }>(
      "SELECT u.threads_user_id, u.username, u.display_name, t.access_token_encrypted, t.expires_at FROM threads_api.users u JOIN threads_api.threads_tokens t ON t.user_id = u.id",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ threads_user_id: "17841400000000001", username: "alice", display_name: "Alice Liddell" });
    const sealed = rows[0]!.access_token_encrypted;
    expect(sealed).not.toContain("THLL");
    const token = new TokenCipher([KEY_A]).open(sealed);
    expect(token).toMatch(/^THLL/);
    expect(suite.threads.isValid(token)).toBe(true);
    expect(rows[0]!.expires_at.getTime() - Date.now()).toBeGreaterThan(59 * 86_400_000);

    const me = await user.get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "alice", displayName: "Alice Liddell", profilePictureUrl: "https://example.com/alice.jpg", lastIngestedAt: null, counts: { posts: 0, flaggedReplies: 0 } });
  });

  it("signs the same Threads user in again as the same account", async () => {
    const first = browser();
    await signIn(first, suite.threads, "bob");
    const second = browser();
    await signIn(second, suite.threads, "bob");
    const a = (await (await first.get("/api/v1/me")).json()) as { id: string };
    const b = (await (await second.get("/api/v1/me")).json()) as { id: string; displayName: string };
    expect(b.id).toBe(a.id);
    expect(b.displayName).toBe("Bob <Builder> & Sons");
  });

  it("ignores a return_to that is not a path on the web app", async () => {
    for (const returnTo of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "dashboard"]) {
      const response = await signIn(browser(), suite.threads, "alice", returnTo);
      expect(response.headers.get("location"), returnTo).toBe(`${WEB_ORIGIN}/dashboard`);
    }
  });

  it("refuses a callback whose state does not match the cookie, or that has no cookie", async () => {
    const user = browser();
    const login = await user.get("/api/v1/auth/threads/login");
    const back = suite.threads.approve(login.headers.get("location")!, "alice");
    back.searchParams.set("state", "x".repeat(43));
    const tampered = await user.get(`${back.pathname}${back.search}`);
    expect(tampered.headers.get("location")).toBe(`${WEB_ORIGIN}/signin?error=state_mismatch`);

    const stranger = browser();
    const honest = suite.threads.approve(login.headers.get("location")!, "alice");
    const noCookie = await stranger.get(`${honest.pathname}${honest.search}`);
    expect(noCookie.headers.get("location")).toBe(`${WEB_ORIGIN}/signin?error=state_mismatch`);
    expect(stranger.cookie("threads_access")).toBeUndefined();
  });

  it("sends a denied consent back to the sign-in page", async () => {
    const user = browser();
    const login = await user.get("/api/v1/auth/threads/login");
    const back = suite.threads.deny(login.headers.get("location")!);
    const response = await user.get(`${back.pathname}${back.search}`);
    expect(response.headers.get("location")).toBe(`${WEB_ORIGIN}/signin?error=access_denied`);
    expect(user.cookie("threads_access")).toBeUndefined();
  });

  it("answers threads_unavailable when Threads fails or refuses the code", async () => {
    suite.threads.failNext("/oauth/access_token", 503, 2);
    const outage = await signIn(browser(), suite.threads, "alice");
    expect(outage.headers.get("location")).toBe(`${WEB_ORIGIN}/signin?error=threads_unavailable`);

    const user = browser();
    const login = await user.get("/api/v1/auth/threads/login");
    const back = suite.threads.approve(login.headers.get("location")!, "alice");
    const first = await user.get(`${back.pathname}${back.search}`);
    expect(first.headers.get("location")).toBe(`${WEB_ORIGIN}/dashboard`);
    // The same code (and state) a second time: Threads refuses a used code.
    const replay = browser();
    replay.setCookie("threads_oauth_state", login.headers.getSetCookie()[0]!.split(";")[0]!.split("=")[1]!);
    const second = await replay.get(`${back.pathname}${back.search}`);
    expect(second.headers.get("location")).toBe(`${WEB_ORIGIN}/signin?error=threads_unavailable`);
  });

  it("sends the person to the web app's outage page when the database is down, not to a JSON error", async () => {
    const down = await startApp({ env: suite.env({ DATABASE_URL: "postgres://postgres@127.0.0.1:9/nowhere" }) });
    try {
      const user = new Browser(down.url);
      const back = await signIn(user, suite.threads, "alice");
      expect(back.status).toBe(302);
      expect(back.headers.get("location")).toBe(`${WEB_ORIGIN}/unavailable?return_to=%2Fsignin`);
      expect(user.cookie("threads_access")).toBeUndefined();
    } finally {
      await down.close();
    }
  });
});

describe("authenticated routes", () => {
  it("take the access token from a Bearer header or the cookie, and refuse without one", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    const token = user.cookie("threads_access")!;
    expect((await fetch(`${app.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const none = await fetch(`${app.url}/api/v1/me`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: "unauthenticated", message: expect.any(String) });
    const forged = await fetch(`${app.url}/api/v1/me`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    expect(forged.status).toBe(401);
  });

  it("say token_expired once the access token has expired", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    const later = await startApp({ env: suite.env(), now: () => new Date(Date.now() + 16 * 60_000) });
    try {
      const response = await fetch(`${later.url}/api/v1/me`, { headers: { cookie: `threads_access=${user.cookie("threads_access")!}` } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: "token_expired" });
    } finally {
      await later.close();
    }
  });
});

describe("POST /api/v1/auth/refresh", () => {
  it("rotates both cookies and answers the new access token's expiry", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    const before = { access: user.cookie("threads_access")!, refresh: user.cookie("threads_refresh")! };
    const response = await user.post("/api/v1/auth/refresh");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { expiresAt: string };
    expect(new Date(body.expiresAt).getTime() - Date.now()).toBeGreaterThan(890_000);
    expect(user.cookie("threads_refresh")).toBeDefined();
    expect(user.cookie("threads_refresh")).not.toBe(before.refresh);
    expect(user.cookieAttributes("threads_access")).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=none", "domain=example.test"]));
    expect((await user.get("/api/v1/me")).status).toBe(200);
  });

  it("revokes the whole family when a used refresh token comes back", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    const stolen = user.cookie("threads_refresh")!;
    expect((await user.post("/api/v1/auth/refresh")).status).toBe(200);
    const current = user.cookie("threads_refresh")!;

    const thief = browser();
    thief.setCookie("threads_refresh", stolen);
    const reuse = await thief.post("/api/v1/auth/refresh");
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ error: "refresh_reused" });
    expect(reuse.headers.getSetCookie().some((header) => header.startsWith("threads_refresh=;"))).toBe(true);

    // The legitimate, newest token of the family is revoked too.
    const victim = browser();
    victim.setCookie("threads_refresh", current);
    // Its access token, still within its lifetime, stops working at once.
    victim.setCookie("threads_access", user.cookie("threads_access")!);
    const revokedAccess = await victim.get("/api/v1/me");
    expect(revokedAccess.status).toBe(401);
    expect(await revokedAccess.json()).toMatchObject({ error: "unauthenticated" });
    const after = await victim.post("/api/v1/auth/refresh");
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: "unauthenticated" });
    const { rows } = await suite.db.query<{ open: string }>(
      "SELECT count(*) AS open FROM threads_api.refresh_tokens WHERE family_id = (SELECT family_id FROM threads_api.refresh_tokens ORDER BY issued_at DESC LIMIT 1) AND revoked_at IS NULL",
    );
    expect(rows[0]!.open).toBe("0");
  });

  it("answers unauthenticated without a refresh cookie or with a forged one", async () => {
    const none = await browser().post("/api/v1/auth/refresh");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: "unauthenticated" });
    const forged = browser();
    forged.setCookie("threads_refresh", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl");
    expect((await forged.post("/api/v1/auth/refresh")).status).toBe(401);
  });

  it("requires an allowed Origin, since cookies ride along with any request", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    for (const origin of [undefined, "https://evil.example"]) {
      const response = await user.request("POST", "/api/v1/auth/refresh", { headers: origin ? { origin } : {} });
      expect(response.status, origin ?? "no origin").toBe(403);
      expect(await response.json()).toMatchObject({ error: "origin_not_allowed" });
    }
    expect((await user.request("POST", "/api/v1/auth/refresh", { headers: { origin: API_ORIGIN } })).status).toBe(200);
  });
});

describe("POST /api/v1/auth/logout", () => {
  it("revokes the family and clears both cookies; neither token works afterwards", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    const access = user.cookie("threads_access")!;
    const refresh = user.cookie("threads_refresh")!;
    const other = browser();
    await signIn(other, suite.threads, "alice");
    const response = await user.post("/api/v1/auth/logout");
    expect(response.status).toBe(204);
    expect(user.cookie("threads_access")).toBeUndefined();
    expect(user.cookie("threads_refresh")).toBeUndefined();
    const again = browser();
    again.setCookie("threads_refresh", refresh);
    expect((await again.post("/api/v1/auth/refresh")).status).toBe(401);
    // The access token has not expired, but its sign-in has ended: cookie or Bearer, it is refused.
    const replayed = browser();
    replayed.setCookie("threads_access", access);
    const viaCookie = await replayed.get("/api/v1/me");
    expect(viaCookie.status).toBe(401);
    expect(await viaCookie.json()).toMatchObject({ error: "unauthenticated" });
    expect((await browser().get("/api/v1/me", { authorization: `Bearer ${access}` })).status).toBe(401);
    // Another sign-in of the same person goes on.
    expect((await other.get("/api/v1/me")).status).toBe(200);
  });
});

describe("signing-key rotation", () => {
  it("keeps tokens signed with the previous secrets valid through …_PREVIOUS, and only through it", async () => {
    const user = browser();
    await signIn(user, suite.threads, "alice");
    const oldAccess = user.cookie("threads_access")!;

    const rotated = await startApp({
      env: suite.env({
        JWT_ACCESS_SECRET: ACCESS_SECRET_NEXT,
        JWT_ACCESS_SECRET_PREVIOUS: ACCESS_SECRET,
        JWT_REFRESH_SECRET: REFRESH_SECRET_NEXT,
        JWT_REFRESH_SECRET_PREVIOUS: REFRESH_SECRET,
      }),
    });
    const forgotten = await startApp({ env: suite.env({ JWT_ACCESS_SECRET: ACCESS_SECRET_NEXT, JWT_REFRESH_SECRET: REFRESH_SECRET_NEXT }) });
    try {
      const bearer = { authorization: `Bearer ${oldAccess}` };
      expect((await fetch(`${rotated.url}/api/v1/me`, { headers: bearer })).status).toBe(200);
      expect((await fetch(`${forgotten.url}/api/v1/me`, { headers: bearer })).status).toBe(401);

      // The refresh token signed before the rotation still refreshes, and the new tokens carry the new key.
      user.baseUrl = rotated.url;
      expect((await user.post("/api/v1/auth/refresh")).status).toBe(200);
      const newAccess = user.cookie("threads_access")!;
      const kid = (token: string) => (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as { kid: string }).kid;
      expect(kid(newAccess)).not.toBe(kid(oldAccess));
      expect((await fetch(`${forgotten.url}/api/v1/me`, { headers: { authorization: `Bearer ${newAccess}` } })).status).toBe(200);
      // The old app (old secret only) cannot verify what the rotated one signs.
      expect((await fetch(`${app.url}/api/v1/me`, { headers: { authorization: `Bearer ${newAccess}` } })).status).toBe(401);
    } finally {
      await rotated.close();
      await forgotten.close();
    }
  });
});

describe("on a developer's plain-http machine", () => {
  it("sets host-only, Lax, non-Secure cookies", async () => {
    const dev = await startApp({ env: suite.env({ APP_ENV: "development", SESSION_COOKIE_DOMAIN: undefined }) });
    try {
      const user = new Browser(dev.url, WEB_ORIGIN);
      await signIn(user, suite.threads, "alice");
      const attributes = user.cookieAttributes("threads_access")!;
      expect(attributes).toEqual(expect.arrayContaining(["httponly", "path=/", "samesite=lax"]));
      expect(attributes).not.toContain("secure");
      expect(attributes.some((attribute) => attribute.startsWith("domain="))).toBe(false);
    } finally {
      await dev.close();
    }
  });
});
