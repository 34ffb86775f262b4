/**
 * The dashboard as a signed-in user sees it: album art, artist images, the
 * genres of the top artists, listening by hour in their own time zone, and
 * Spotify's answers reused for a few minutes per user ("updated N minutes ago").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, Browser, csrfTokenIn, logIn, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";
import { listeningData } from "./support/spotify-data.js";

/** The dashboard's HTML for `browser`. */
async function dashboard(browser: Browser, path = "/"): Promise<string> {
  const response = await browser.get(path);
  expect(response.status).toBe(200);
  return response.text();
}

/** `data-count` of each bar of the chart, by hour. */
function chartCounts(page: string): Record<number, number> {
  return Object.fromEntries([...page.matchAll(/data-hour="(\d+)" data-count="(\d+)"/g)].map((match) => [Number(match[1]), Number(match[2])]));
}

describe("the dashboard", () => {
  let suite: Suite;
  let app: RunningApp;
  let clock = Date.now() / 1000;

  beforeAll(async () => {
    suite = await startSuite("dashboard");
    app = await startApp({ env: suite.env({ SPOTIFY_CACHE_SECONDS: "300" }), nowSeconds: () => clock });
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  it("shows album art, artist images, the genres of the top artists and listening by hour in the user's time zone", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    browser.setCookie("euterpe_tz", encodeURIComponent("Asia/Tokyo"));
    const page = await dashboard(browser);
    const data = listeningData(ALICE);

    // The 64 px album image for rows, the 300 px one for artists (the smallest at least 160 px wide).
    const albumArt = data.topTracks[0]?.album.images.find((image) => image.width === 64)?.url ?? "missing";
    const artistImage = data.topArtists[0]?.images.find((image) => image.width === 300)?.url ?? "missing";
    expect(page).toContain(`<img class="art" src="${albumArt}" alt="" width="48" height="48" loading="lazy">`);
    expect(page).toContain(`<img src="${artistImage}" alt="" width="96" height="96" loading="lazy">`);

    const genres = [...page.matchAll(/<li class="genre" title="(\d+) of your top artists">([^<]+)<\/li>/g)].map((match) => [match[2], Number(match[1])]);
    expect(genres).toEqual([
      ["aurora pop", 3],
      ["indie", 2],
      ["dream pop", 1],
    ]);

    // Plays at 23, 21, 19×3, 18, 13, 12, 8×2, 7×2 UTC are at 08, 06, 04×3, 03, 22, 21, 17×2, 16×2 in Tokyo (UTC+9).
    expect(chartCounts(page)).toMatchObject({ 8: 1, 6: 1, 4: 3, 3: 1, 22: 1, 21: 1, 17: 2, 16: 2, 19: 0, 7: 0 });
    expect(page).toContain("Most plays around 04:00 (3 plays of the last 12), times in Asia/Tokyo.");
    // The newest play, 2026-11-24 23:10 UTC, is the next morning in Tokyo.
    expect(page).toContain("Aurora Band · Wed 25 Nov, 08:10");
    expect(page).toContain('<span id="time-zone">Asia/Tokyo</span>');
    expect(page).toContain('<html lang="en" data-tz="Asia/Tokyo">');
  });

  it("draws times in UTC without a zone cookie or with one it does not know", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, BOB);
    const utc = await dashboard(browser);
    expect(utc).toContain('<span id="time-zone">UTC</span>');
    expect(chartCounts(utc)).toMatchObject({ 19: 3, 23: 1, 8: 2 });
    expect(utc).toContain("Basalt Band · Tue 24 Nov, 23:10");

    for (const junk of ["Mars/Olympus_Mons", "<script>", "x".repeat(200)]) {
      browser.setCookie("euterpe_tz", encodeURIComponent(junk));
      expect(await dashboard(browser)).toContain('<span id="time-zone">UTC</span>');
    }
  });

  it("reuses Spotify's answers per user and time range for SPOTIFY_CACHE_SECONDS, and says how old they are", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    await dashboard(browser, "/?time_range=long_term"); // whatever an earlier test left, this range starts fresh
    const calls = () => suite.fake.webApiCalls(ALICE.id).length;

    clock += 301;
    const before = calls();
    expect(await dashboard(browser, "/?time_range=long_term")).toContain('<span id="updated">updated just now</span>');
    expect(calls()).toBe(before + 4);

    clock += 150;
    expect(await dashboard(browser, "/?time_range=long_term")).toContain('<span id="updated">updated 2 minutes ago</span>');
    expect(calls()).toBe(before + 4);

    // Another range is another view; another user has their own.
    await dashboard(browser, "/?time_range=short_term");
    expect(calls()).toBe(before + 8);
    const bob = new Browser(app.url);
    await logIn(bob, suite.fake, BOB);
    expect(await dashboard(bob, "/?time_range=long_term")).toContain("Basalt Song 1");
    expect(calls()).toBe(before + 8);

    clock += 151;
    expect(await dashboard(browser, "/?time_range=long_term")).toContain("updated just now");
    expect(calls()).toBe(before + 12);
  });

  it("asks Spotify once for simultaneous views of a cold cache, and forgets a user's answers at logout", async () => {
    clock += 1_000;
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const calls = () => suite.fake.webApiCalls(ALICE.id).length;
    const before = calls();
    await Promise.all([1, 2, 3].map(() => dashboard(browser)));
    expect(calls()).toBe(before + 4);

    const token = csrfTokenIn(await dashboard(browser));
    expect(calls()).toBe(before + 4);
    expect((await browser.postForm("/logout", { _csrf: token })).status).toBe(303);
    await logIn(browser, suite.fake, ALICE);
    await dashboard(browser);
    expect(calls()).toBe(before + 8);
  });
});

describe("the dashboard with the cache off (SPOTIFY_CACHE_SECONDS=0)", () => {
  let suite: Suite;
  let app: RunningApp;

  beforeAll(async () => {
    suite = await startSuite("nocache", [ALICE]);
    app = await startApp({ env: suite.env({ SPOTIFY_CACHE_SECONDS: "0" }) });
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  it("asks Spotify on every view", async () => {
    const browser = new Browser(app.url);
    await logIn(browser, suite.fake, ALICE);
    const before = suite.fake.webApiCalls(ALICE.id).length;
    await dashboard(browser);
    await dashboard(browser);
    expect(suite.fake.webApiCalls(ALICE.id).length).toBe(before + 8);
  });
});
