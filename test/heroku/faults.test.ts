/**
 * The providers under a hostile API: ~20 % of requests fail (429, 500, 503,
 * connection reset, no answer in time, or committed and then dropped). A
 * full app must come out exactly as in a fault-free run, with no duplicate
 * object; a create whose answer was lost must be resumed, not repeated.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { herokuStats, resetHerokuStats } from "../../components/heroku/client";
import {
  appSnapshot,
  assertRequestsValid,
  createFullApp,
  duplicates,
  FAST_ENV,
  injectFaultMix,
  makeAppSource,
  measureHerokuProviders,
  objectCounts,
  refreshFullApp,
  startDouble,
} from "./scenario";

const savedEnv = { ...process.env };
afterAll(() => {
  process.env = savedEnv;
});
beforeEach(() => {
  resetHerokuStats();
});

const source = makeAppSource({ marker: "faults" });

async function cleanRun(seed: number): Promise<{ snapshot: Record<string, unknown>; counts: Record<string, number> }> {
  const heroku = await startDouble({ seed });
  try {
    await createFullApp("fault-app", source);
    assertRequestsValid(heroku);
    return { snapshot: appSnapshot(heroku, "fault-app"), counts: objectCounts(heroku, "fault-app") };
  } finally {
    await heroku.close();
  }
}

describe("a full app under a 20 % fault mix", () => {
  it("measures calls, retries and duplicates (printed for the benchmark)", async () => {
    const m = await measureHerokuProviders();
    console.log(
      `[heroku-provider-numbers] create-full-app-api-calls=${m.createCalls} (+${m.createBlobCalls} blob) ` +
        `no-op-refresh-api-calls=${m.refreshCalls} fault-mix: injected=${m.faults.injected} retries=${m.faults.retries} ` +
        `recoveries=${m.faults.recoveries} duplicates=${m.faults.duplicates} same-end-state=${m.faults.sameEndState}`,
    );
    expect(m.faults.injected).toBeGreaterThan(0);
    expect(m.faults.retries).toBeGreaterThan(0);
    expect(m.faults.duplicates).toBe(0);
    expect(m.faults.sameEndState).toBe(true);
  }, 60_000);

  it("ends in the fault-free state with no duplicate, over several seeds", async () => {
    const clean = await cleanRun(100);
    let injected = 0;
    for (const seed of [101, 102, 103, 104, 105, 106]) {
      const heroku = await startDouble({ seed }, { FLEET_HEROKU_REQUEST_TIMEOUT_MS: "120", FLEET_HEROKU_MAX_ATTEMPTS: "25" });
      try {
        injectFaultMix(heroku, 0.2);
        const app = await createFullApp("fault-app", source);
        injected += heroku.faults.fired.length;
        expect(duplicates(objectCounts(heroku, "fault-app"), clean.counts), `seed ${seed}`).toEqual(
          Object.fromEntries(Object.keys(clean.counts).map((k) => [k, 0])),
        );
        expect(appSnapshot(heroku, "fault-app"), `seed ${seed}`).toEqual(clean.snapshot);
        // A refresh under the same faults sees no drift and loses nothing (progress fields may move on).
        const refresh = await refreshFullApp(app);
        expect(refresh.filter((r) => r.gone || r.changed.some((k) => !["state", "status", "acmStatus", "certificateIssued"].includes(k))), `seed ${seed}`).toEqual([]);
        assertRequestsValid(heroku);
      } finally {
        await heroku.close();
      }
    }
    expect(injected).toBeGreaterThan(30);
  }, 120_000);
});

describe("creates whose answer was lost", () => {
  it("are resumed by a natural-key lookup for every kind, never repeated", async () => {
    const clean = await cleanRun(200);
    const heroku = await startDouble({ seed: 201 });
    try {
      const posts = [
        "/apps",
        "/apps/:app/addons",
        "/addon-attachments",
        "/apps/:app/builds",
        "/apps/:app/domains",
        "/apps/:app/log-drains",
      ];
      for (const path of posts) heroku.faults.inject("commit-then-drop", { host: "platform", method: "POST", path, times: path.endsWith("addons") ? 3 : 1 });
      heroku.faults.inject("commit-then-drop", { host: "scheduler", method: "POST" });
      await createFullApp("fault-app", source);
      expect(heroku.faults.fired).toHaveLength(9);
      expect(herokuStats().recoveries).toBe(9);
      expect(objectCounts(heroku, "fault-app")).toEqual(clean.counts);
      expect(appSnapshot(heroku, "fault-app")).toEqual(clean.snapshot);
      assertRequestsValid(heroku);
      // Every lost create was sent once: the lookup found it, nothing was resent.
      for (const path of ["/apps", "/addon-attachments"]) {
        expect(heroku.requests.filter((r) => r.method === "POST" && r.path === path), path).toHaveLength(1);
      }
    } finally {
      await heroku.close();
    }
  }, 30_000);

  it("keeps the environment of the fast settings", () => {
    expect(process.env.FLEET_HEROKU_POLL_MS).toBe(FAST_ENV.FLEET_HEROKU_POLL_MS);
  });
});
