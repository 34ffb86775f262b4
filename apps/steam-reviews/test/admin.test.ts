/**
 * /admin behind Cloudflare Access, checked by the app itself: 403 without a
 * valid Access JWT (none, forged, wrong audience, expired, or Access not
 * configured); with one, the page lists the games and their backfill, and
 * its forms add a game by id (named by Steam's store), deactivate and
 * reactivate one — each POST only with the page's CSRF token and cookie.
 */
import Tokens from "@fastify/csrf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrackedApps } from "../src/data/tracked-apps.js";
import { CSRF_COOKIE } from "../src/web/csrf.js";
import { accessIssuer, Browser, COOKIE_SECRET, csrfTokenIn, startApp, startSuite, type AccessIssuer, type RunningApp, type Suite } from "./support/harness.js";

describe("admin", () => {
  let suite: Suite;
  let app: RunningApp;
  let access: AccessIssuer;
  let admin: Browser;

  beforeAll(async () => {
    suite = await startSuite("admin");
    access = await accessIssuer();
    suite.steam.setApp(3228590, "Dead Zone Rogue");
    suite.steam.setApp(2437170, "SMITE 2");
    await suite.track(570, "Dota 2");
    await suite.db.query("UPDATE tracked_apps SET backfill_state = 'in_progress', backfill_pages = 3, backfill_stored = 300, backfill_total_reported = 1200 WHERE app_id = 570");
    app = await startApp({ env: suite.env({ HEROKU_APP_NAME: "fleet-stg-steam-reviews" }), accessKeys: access.keys });
    admin = new Browser(app.url);
    admin.headers = { "cf-access-jwt-assertion": await access.token() };
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  const apps = () => new TrackedApps(suite.pool);

  it("refuses anyone without a valid Access token, for pages and forms alike", async () => {
    const stranger = new Browser(app.url);
    const cases: Record<string, string | undefined> = {
      none: undefined,
      forged: await access.forgedToken(),
      "wrong audience": await access.token({ audience: "another-app" }),
      "wrong issuer": await access.token({ issuer: "https://evil.cloudflareaccess.com" }),
      expired: await access.token({ expiresIn: "-1m" }),
      garbage: "not-a-jwt",
    };
    for (const [label, token] of Object.entries(cases)) {
      stranger.headers = token ? { "cf-access-jwt-assertion": token } : {};
      const page = await stranger.get("/admin");
      expect(page.status, label).toBe(403);
      expect(await page.text(), label).not.toContain("Tracked games");
      const post = await stranger.postForm("/admin/apps", { app_id: "3228590", _csrf: "x" });
      expect(post.status, label).toBe(403);
    }
    expect(await apps().get(3228590)).toBeUndefined();
    // The dashboard stays public.
    expect((await stranger.get("/")).status).toBe(200);
  });

  it("is closed when Access is not configured, outside development", async () => {
    const unconfigured = await startApp({ env: suite.env({ CF_ACCESS_TEAM_DOMAIN: "", CF_ACCESS_AUD: "" }) });
    try {
      const response = await fetch(`${unconfigured.url}/admin`, { headers: { accept: "application/json", "cf-access-jwt-assertion": await access.token() } });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: "access_not_configured" });
    } finally {
      await unconfigured.close();
    }
  });

  it("shows the games with their backfill state and the command that runs it", async () => {
    const response = await admin.get("/admin");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const page = await response.text();
    expect(page).toContain("Signed in as admin@example.com");
    expect(page).toContain("Dota 2");
    expect(page).toMatch(/in progress<\/span> <span class="muted">3 pages, 300 stored of about 1,200/);
    expect(page).toContain("<code>heroku run -a fleet-stg-steam-reviews -- node dist/jobs/backfill.js --app-id 570</code>");
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith(`${CSRF_COOKIE}=`))!;
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    const slash = await admin.get("/admin/");
    expect([slash.status, slash.headers.get("location")]).toEqual([301, "/admin"]);
  });

  it("adds a game by id, named by Steam's store, and records who added it", async () => {
    const token = csrfTokenIn(await (await admin.get("/admin")).text());
    const added = await admin.postForm("/admin/apps", { app_id: " 3228590 ", _csrf: token });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe("/admin?notice=added&app=3228590");
    expect(await apps().get(3228590)).toMatchObject({ name: "Dead Zone Rogue", nameSource: "steam", active: true, addedBy: "admin@example.com", backfill: { state: "not_started" } });
    const page = await (await admin.get("/admin?notice=added&app=3228590")).text();
    expect(page).toContain("Dead Zone Rogue (3228590) was added");

    const again = await admin.postForm("/admin/apps", { app_id: "3228590", _csrf: token });
    expect(again.headers.get("location")).toBe("/admin?notice=exists&app=3228590");
  });

  it("rejects a bad id (400) and an id Steam does not know (422) with a page saying so; adds nothing", async () => {
    const token = csrfTokenIn(await (await admin.get("/admin")).text());
    for (const bad of ["", "abc", "-5", "99999999999", "12.5"]) {
      const response = await admin.postForm("/admin/apps", { app_id: bad, _csrf: token });
      expect(response.status, bad).toBe(400);
      expect(await response.text()).toContain("A Steam app id is the number in the game&#39;s store address");
    }
    const unknown = await admin.postForm("/admin/apps", { app_id: "123456", _csrf: token });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain("Steam&#39;s store has no app with id 123456");
    expect(await apps().get(123456)).toBeUndefined();
  });

  it("answers 503 with Retry-After when Steam's store does not answer", async () => {
    const token = csrfTokenIn(await (await admin.get("/admin")).text());
    suite.steam.failNext({ kind: 503 }, { kind: 503 });
    const response = await admin.postForm("/admin/apps", { app_id: "2437170", _csrf: token });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    const page = await response.text();
    expect(page).toContain("Steam is not answering right now");
    expect(page).toContain('<a href="/admin">Try again</a>');
    expect(await apps().get(2437170)).toBeUndefined();
  });

  it("deactivates and reactivates a game", async () => {
    const token = csrfTokenIn(await (await admin.get("/admin")).text());
    const off = await admin.postForm("/admin/apps/570/deactivate", { _csrf: token });
    expect(off.status).toBe(303);
    expect(await apps().get(570)).toMatchObject({ active: false, deactivatedBy: "admin@example.com" });
    expect(await (await admin.get("/admin")).text()).toMatch(/<li class="card tracked-app" id="app-570" data-active="false">/);
    const on = await admin.postForm("/admin/apps/570/reactivate", { _csrf: token });
    expect(on.headers.get("location")).toBe("/admin?notice=reactivated&app=570");
    expect(await apps().get(570)).toMatchObject({ active: true, deactivatedAt: null });
    expect((await admin.postForm("/admin/apps/4242/deactivate", { _csrf: token })).status).toBe(404);
  });

  it("refuses a POST without the page's CSRF token, with another cookie, or with a cookie not signed by COOKIE_SECRET", async () => {
    const token = csrfTokenIn(await (await admin.get("/admin")).text());
    const missing = await admin.postForm("/admin/apps/570/deactivate", {});
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain("This form has expired or did not come from this site");
    expect((await admin.postForm("/admin/apps/570/deactivate", { _csrf: `${token}x` })).status).toBe(403);

    // A cross-site attacker has a valid Access session (the browser sends it) but not our cookie.
    const attacker = new Browser(app.url);
    attacker.headers = admin.headers;
    expect((await attacker.postForm("/admin/apps/570/deactivate", { _csrf: token })).status).toBe(403);

    // A cookie planted from a sibling subdomain, with a token made to match it, but unsigned.
    const tokens = Tokens();
    const plantedSecret = tokens.secretSync();
    attacker.setCookie(CSRF_COOKIE, plantedSecret);
    expect((await attacker.postForm("/admin/apps/570/deactivate", { _csrf: tokens.create(plantedSecret) })).status).toBe(403);
    expect(await apps().get(570)).toMatchObject({ active: true });
  });

  it("keeps accepting forms made before COOKIE_SECRET was rotated", async () => {
    const token = csrfTokenIn(await (await admin.get("/admin")).text());
    const rotated = await startApp({ env: suite.env({ COOKIE_SECRET: `${"ab".repeat(32)},${COOKIE_SECRET}` }), accessKeys: access.keys });
    try {
      const sameBrowser = new Browser(rotated.url);
      sameBrowser.headers = admin.headers;
      sameBrowser.setCookie(CSRF_COOKIE, admin.cookie(CSRF_COOKIE)!);
      const response = await sameBrowser.postForm("/admin/apps/570/deactivate", { _csrf: token });
      expect(response.status).toBe(303);
    } finally {
      await rotated.close();
    }
    await apps().reactivate(570);
  });
});
