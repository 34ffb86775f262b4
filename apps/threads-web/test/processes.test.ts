/**
 * dist/server.js as the Procfile runs it: a bad environment stops it naming
 * every variable, it listens at once and answers, and SIGTERM lets a request
 * in flight finish, then exits 0.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, runWeb, startWeb, webEnv } from "./support/web.js";

describe("the web process", () => {
  it("refuses to boot without its variables, naming each (never a value) and exiting 1", async () => {
    const port = await freePort();
    const env = webEnv(port, "not a url", { APP_ENV: "", SITE_URL: "", API_SAME_SITE_PROXY: "yes-please" });
    const web = runWeb(env);
    expect((await web.exit).code).toBe(1);
    const problems = (web.lines[0]?.problems as { variable: string; problem: string }[]) ?? [];
    expect(problems.map((p) => p.variable).sort()).toEqual(["API_SAME_SITE_PROXY", "APP_ENV", "NEXT_PUBLIC_API_BASE_URL", "SITE_URL"]);
    expect(JSON.stringify(web.lines)).not.toContain("yes-please");
    expect(JSON.stringify(web.lines)).not.toContain("not a url");
  });

  describe("running", () => {
    let slowApi: http.Server;
    let apiUrl: string;
    beforeAll(async () => {
      // An API that takes a while, so a page is still rendering when SIGTERM comes.
      slowApi = http.createServer((_request, response) => {
        setTimeout(() => {
          response.writeHead(401, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: "unauthenticated", message: "slow" }));
        }, 1_500);
      });
      await new Promise<void>((resolve) => slowApi.listen(0, "127.0.0.1", resolve));
      apiUrl = `http://127.0.0.1:${(slowApi.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => slowApi.close(() => resolve())));

    it("logs JSON lines, answers /health, and on SIGTERM finishes the request in flight and exits 0", async () => {
      const web = await startWeb(apiUrl, { HEROKU_RELEASE_VERSION: "v42", HEROKU_SLUG_COMMIT: "abc123" });
      try {
        expect(web.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["listening", "ready"]));
        expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ status: "ok", release: "v42", commit: "abc123" });

        const inFlight = fetch(`${web.url}/dashboard`, { headers: { cookie: "threads_access=a; threads_refresh=r" }, redirect: "manual" });
        await new Promise((resolve) => setTimeout(resolve, 500));
        web.child.kill("SIGTERM");
        const answer = await inFlight;
        expect(answer.status).toBe(307);
        expect(answer.headers.get("location")).toBe("/auth/refresh?return_to=%2Fdashboard");
        expect(await web.exit).toEqual({ code: 0, signal: null });
        expect(web.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down: finishing work in flight", "shut down cleanly"]));
        await expect(fetch(`${web.url}/health`)).rejects.toThrow();
      } finally {
        web.child.kill("SIGKILL");
      }
    });

    it("refuses request bodies over its limit with 413", async () => {
      const web = await startWeb(apiUrl);
      try {
        const response = await fetch(`${web.url}/auth/sign-out`, { method: "POST", headers: { origin: web.url }, body: "x".repeat(70 * 1024) });
        expect(response.status).toBe(413);
      } finally {
        await web.stop();
      }
    });
  });
});
