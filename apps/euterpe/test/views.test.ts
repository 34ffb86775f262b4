/** The pure parts of the pages: the chart, the genres, the age line, the error pages' way on, the inline script's hash. */
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "../src/app.js";
import { hourIn, isTimeZone, TIME_ZONE_SCRIPT } from "../src/time-zone.js";
import { topGenres, updatedAgo } from "../src/views/dashboard-page.js";
import { renderPage } from "../src/views/layout.js";
import { playsByHour, renderListeningByHour } from "../src/views/listening-chart.js";
import { renderProblemPage } from "../src/views/problem-page.js";
import { html, toHtmlString } from "../src/shared/web/html.js";
import { artistObject } from "./support/spotify-data.js";

describe("listening by hour", () => {
  it("counts plays per hour of the day in the given zone, across daylight saving time", () => {
    // New York is UTC-4 in summer and UTC-5 in winter: the same local 20:xx hour.
    const plays = ["2026-07-01T00:30:00Z", "2026-12-01T01:30:00Z", "2026-12-01T01:45:00.123Z", "not a date"];
    const counts = playsByHour(plays, "America/New_York");
    expect(counts).toHaveLength(24);
    expect(counts[20]).toBe(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(playsByHour(plays, "UTC")[1]).toBe(2);
    expect(hourIn(new Date("2026-03-01T18:45:00Z"), "Asia/Kolkata")).toBe(0);
  });

  it("draws bars in proportion with a title each, and says when there is nothing to draw", () => {
    const counts = Array.from({ length: 24 }, (_, hour) => (hour === 9 ? 4 : hour === 21 ? 2 : 0));
    const svg = toHtmlString(renderListeningByHour(counts, "Europe/Stockholm"));
    const heights = Object.fromEntries([...svg.matchAll(/data-hour="(\d+)" data-count="\d+" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(heights)).toHaveLength(24);
    expect(heights["9"]).toBeCloseTo(2 * (heights["21"] ?? 0), 0);
    expect(heights["0"]).toBe(0);
    expect(svg).toContain("<title>09:00–10:00: 4 plays</title>");
    expect(svg).toContain("<title>23:00–00:00: 0 plays</title>");
    expect(svg).toContain("Most plays around 09:00 (4 plays of the last 6), times in Europe/Stockholm.");
    expect(toHtmlString(renderListeningByHour(Array<number>(24).fill(0), "UTC"))).toContain("Nothing played recently.");
  });
});

describe("dashboard helpers", () => {
  it("ranks the top artists' genres by how many artists have them", () => {
    const artists = [artistObject("A", ["rock", "indie"]), artistObject("B", ["indie", "indie"]), artistObject("C", ["jazz"])];
    expect(topGenres(artists)).toEqual([
      { genre: "indie", artists: 2 },
      { genre: "jazz", artists: 1 },
      { genre: "rock", artists: 1 },
    ]);
    expect(topGenres(artists, 1)).toEqual([{ genre: "indie", artists: 2 }]);
    expect(topGenres([artistObject("D", [])])).toEqual([]);
  });

  it("says how long ago the answers were fetched", () => {
    expect(updatedAgo(0, 59_999)).toBe("updated just now");
    expect(updatedAgo(0, 60_000)).toBe("updated 1 minute ago");
    expect(updatedAgo(0, 5 * 60_000 + 1)).toBe("updated 5 minutes ago");
    expect(updatedAgo(10_000, 0)).toBe("updated just now");
  });
});

describe("time zones", () => {
  it("knows IANA zones and refuses anything else", () => {
    for (const zone of ["UTC", "Europe/Stockholm", "America/Argentina/Buenos_Aires"]) expect(isTimeZone(zone)).toBe(true);
    for (const junk of ["Mars/Olympus", "", "Europe/Stockholm; path=/"]) expect(isTimeZone(junk)).toBe(false);
  });

  it("the page's inline script is the one the Content-Security-Policy allows, and no other script is", () => {
    const hash = createHash("sha256").update(TIME_ZONE_SCRIPT).digest("base64");
    expect(SECURITY_HEADERS["content-security-policy"]).toContain(`script-src 'sha256-${hash}'`);
    const page = renderPage({ title: "t", main: html`<p>x</p>` });
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
    expect(scripts).toEqual([TIME_ZONE_SCRIPT]);
  });
});

describe("error pages", () => {
  const problem = { status: 502, code: "spotify_unavailable", message: "Spotify did not answer as expected." };
  const request = (method: string, url: string) => ({ method, url }) as FastifyRequest;
  const wayOn = (page: string) => /id="way-on" href="([^"]*)">([^<]*)</.exec(page)?.slice(1);

  it("offers the same page again for a GET of this site, and the home page otherwise", () => {
    expect(wayOn(renderProblemPage(problem, request("GET", "/?time_range=short_term")))).toEqual(["/?time_range=short_term", "Try again"]);
    expect(wayOn(renderProblemPage(problem, request("GET", "//evil.example/x")))).toEqual(["/", "Try again"]);
    expect(wayOn(renderProblemPage(problem, request("GET", "/\\evil.example")))).toEqual(["/", "Try again"]);
    expect(wayOn(renderProblemPage(problem, request("GET", "/callback?code=used")))).toEqual(["/", "Try again"]);
    expect(wayOn(renderProblemPage(problem, request("POST", "/logout")))).toEqual(["/", "Try again"]);
  });

  it("names our own failure plainly and offers to try again", () => {
    const page = renderProblemPage({ status: 500, code: "internal_error", message: "Something went wrong on our side. Please try again." }, request("GET", "/"));
    expect(page).toContain("<title>Euterpe · Something went wrong</title>");
    expect(page).toContain("Something went wrong on our side. Please try again.");
    expect(wayOn(page)).toEqual(["/", "Try again"]);
  });

  it("escapes what it shows", () => {
    const page = renderProblemPage({ status: 404, code: "not_found", message: 'There is nothing at /<img src=x onerror="alert(1)">.' }, request("GET", "/x"));
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});
