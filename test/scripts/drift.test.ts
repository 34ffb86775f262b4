/**
 * `npm run drift` against the Heroku API double: the staging stack deployed
 * as fleet would have left it reports nothing; the same stack with a made-up
 * drift (config vars set by hand, an add-on, a domain, a log drain, a
 * formation type) reports exactly those, by name and never by value, as text
 * and JSON, with exit 7. Also: apps not deployed yet, a missing API key and
 * an API that refuses the key.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProgram } from "../harness/program";
import { useHerokuDouble } from "../heroku/use-heroku-double";
import type { HerokuDouble } from "../heroku-double/index";
import { runDrift, type DriftIo } from "../../scripts/lib/drift-command";
import type { DriftReport } from "../../scripts/lib/drift/compare";
import { managedApps, planJsonSchema, type PlanJson } from "../../scripts/lib/drift/managed";
import { runPlan } from "../../scripts/lib/plan-command";

let heroku: HerokuDouble;
useHerokuDouble((double) => {
  heroku = double;
});

async function drift(argv: string[], env: Record<string, string | undefined> = process.env): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: DriftIo = { stdout: async (t) => void (out += t), stderr: (t) => void (err += t), loadProgram, env };
  const code = await runDrift(argv, io);
  return { code, out, err };
}

async function stagingPlan(): Promise<PlanJson> {
  let text = "";
  const code = await runPlan(["--stack", "staging", "--json"], { stdout: async (t) => void (text += t), stderr: () => undefined, loadProgram });
  expect(code).toBe(0);
  return planJsonSchema.parse(JSON.parse(text));
}

/** Keys the platform or an add-on sets, which fleet never writes. */
const NOT_WRITTEN = new Set(["PORT", "DYNO", "NODE_ENV", "DATABASE_URL", "REDIS_URL", "REDIS_TLS_URL"]);

/** The stack's apps as `pulumi up` leaves them: apps, add-ons and attachments, fleet's config vars, formation, domains. */
function seedAsDeployed(double: HerokuDouble, plan: PlanJson): void {
  const managed = managedApps(plan);
  const addonOf = (service: "heroku-postgresql" | "heroku-redis", store: string): string | undefined => {
    for (const app of plan.apps) {
      const own = (app as { database?: { store: string } | null; redis?: { store: string } | null })[service === "heroku-postgresql" ? "database" : "redis"];
      const addon = app.resources.find((r) => r.type === "heroku:Addon" && String(r.inputs["plan"]).startsWith(`${service}:`) && typeof r.inputs["name"] === "string");
      if (own?.store === store && addon) return String(addon.inputs["name"]);
    }
    return undefined;
  };
  for (const app of plan.apps) {
    const m = managed.find((x) => x.app === app.name)!;
    double.seed.app({ name: app.herokuName, region: "eu" });
    for (const r of app.resources.filter((x) => x.type === "heroku:Addon")) {
      const name = typeof r.inputs["name"] === "string" ? r.inputs["name"] : undefined;
      double.seed.addon({ app: app.herokuName, plan: String(r.inputs["plan"]), name, attachmentName: r.inputs["attachmentName"] as string | undefined });
    }
    const stores = app as { database?: { store: string } | null; redis?: { store: string } | null };
    const dbAddon = stores.database ? addonOf("heroku-postgresql", stores.database.store) : undefined;
    if (dbAddon && !m.addonNames.has(dbAddon)) double.seed.attachment({ addon: dbAddon, app: app.herokuName, name: "DATABASE" });
    const redisAddon = stores.redis ? addonOf("heroku-redis", stores.redis.store) : undefined;
    if (redisAddon && !m.addonNames.has(redisAddon)) double.seed.attachment({ addon: redisAddon, app: app.herokuName, name: "REDIS" });
    const written = [...m.configKeys].filter((k) => !NOT_WRITTEN.has(k) && !k.startsWith("HEROKU_"));
    double.handEdit.configVars(app.herokuName, Object.fromEntries(written.map((k) => [k, `value-of-${k}`])));
    const processes = (app.processes as unknown as { type: string; size: string; quantity: number; command: string }[]);
    double.seed.deploy({
      app: app.herokuName,
      processTypes: Object.fromEntries(processes.map((p) => [p.type, p.command])),
      formation: Object.fromEntries(processes.map((p) => [p.type, { quantity: p.quantity, size: p.size }])),
    });
    if (app.domain) double.seed.domain({ app: app.herokuName, hostname: app.domain });
  }
}

describe("npm run drift", () => {
  let plan: PlanJson;
  beforeAll(async () => {
    plan = await stagingPlan();
  }, 60_000);

  it("says so when an app is not on Heroku yet, and finds no drift", async () => {
    const { code, out } = await drift(["--stack", "staging", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as DriftReport;
    expect(report.apps.map((a) => a.missing)).toEqual(plan.apps.map(() => true));
    expect(report.drift).toBe(false);
  }, 60_000);

  it("finds nothing on the stack as fleet deployed it", async () => {
    seedAsDeployed(heroku, plan);
    const { code, out, err } = await drift(["--stack", "staging"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("No drift: everything on the stack's Heroku apps is fleet's.");
    for (const app of plan.apps) expect(out).toContain(`${app.herokuName} (${app.name}): nothing unmanaged`);
  }, 60_000);

  it("lists each made-up change by name, never by value, and exits 7", async () => {
    const shop = plan.apps.find((a) => a.name === "shop-sentiment")!.herokuName;
    const euterpe = plan.apps.find((a) => a.name === "euterpe")!.herokuName;
    heroku.handEdit.configVars(shop, { DEBUG_SQL: "1", LEGACY_TOKEN: "tok-very-secret-value-123" });
    heroku.seed.addon({ app: shop, plan: "papertrail:choklad", attachmentName: "PAPERTRAIL" });
    heroku.seed.domain({ app: shop, hostname: "old-shop.example.com" });
    heroku.seed.deploy({ app: shop, processTypes: { web: "node dist/server.js", worker: "node dist/worker.js" }, formation: { worker: { quantity: 1, size: "basic" } } });
    const drain = heroku.seed.drain({ app: euterpe, url: "syslog+tls://logs.example.net:6514?token=drain-secret-abc" });

    const dir = mkdtempSync(path.join(tmpdir(), "fleet-drift-"));
    const jsonFile = path.join(dir, "drift.json");
    const text = await drift(["--stack", "staging", "--json-out", jsonFile]);
    expect(text.code).toBe(7);
    expect(text.out).toContain(`${shop} (shop-sentiment)\n  config vars set by hand: DEBUG_SQL, LEGACY_TOKEN\n  add-on `);
    expect(text.out).toMatch(/add-on papertrail-\S+ \(papertrail:choklad\) attached as PAPERTRAIL/);
    expect(text.out).toContain("  domains: old-shop.example.com\n  formation: worker × 1 (Basic)\n");
    expect(text.out).toContain(`${euterpe} (euterpe)\n  log drains: 1 not fleet's (${drain.token})`);
    expect(text.out).toContain("6 unmanaged item(s) on 2 app(s).");
    for (const secret of ["tok-very-secret-value-123", "drain-secret-abc", "logs.example.net", "value-of-"]) expect(text.out).not.toContain(secret);

    const report = JSON.parse(readFileSync(jsonFile, "utf8")) as DriftReport;
    const drifted = report.apps.filter((a) => a.configVars.length + a.addons.length + a.domains.length + a.drains.unmanaged + a.formation.length > 0);
    expect(drifted.map((a) => a.app)).toEqual(["shop-sentiment", "euterpe"]);
    expect(drifted[0]).toMatchObject({
      herokuName: shop,
      missing: false,
      configVars: ["DEBUG_SQL", "LEGACY_TOKEN"],
      addons: [{ name: expect.stringMatching(/^papertrail-/), plan: "papertrail:choklad", attachment: "PAPERTRAIL" }],
      domains: ["old-shop.example.com"],
      drains: { unmanaged: 0, tokens: [] },
      formation: [{ type: "worker", quantity: 1, size: "Basic" }],
    });
    expect(drifted[1]).toMatchObject({ configVars: [], addons: [], domains: [], formation: [], drains: { unmanaged: 1, tokens: [drain.token] } });
    expect(report).toMatchObject({ version: 1, stack: "staging", count: 6, drift: true });
    expect(JSON.stringify(report)).not.toContain("tok-very-secret-value-123");

    const json = await drift(["--stack", "staging", "--json"]);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.out)).toEqual(report);
  }, 60_000);

  it("exits 2 without HEROKU_API_KEY or with bad arguments, and 1 when Heroku refuses the key", async () => {
    const noKey = await drift(["--stack", "staging"], { ...process.env, HEROKU_API_KEY: undefined });
    expect(noKey).toMatchObject({ code: 2, err: expect.stringContaining("HEROKU_API_KEY is not set") });
    expect((await drift(["--stack"])).code).toBe(2);
    expect((await drift(["--json"])).err).toContain("--stack is required");
    expect((await drift(["--stack", "nope"])).code).toBe(2);
    const saved = process.env["HEROKU_API_KEY"];
    process.env["HEROKU_API_KEY"] = "HRKU-not-the-key";
    try {
      const refused = await drift(["--stack", "staging"]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/reading stack staging's apps from Heroku failed: .*401/);
      expect(refused.err).not.toContain("HRKU-not-the-key");
    } finally {
      process.env["HEROKU_API_KEY"] = saved;
    }
  }, 60_000);

  it("--help says what it does and its exit statuses", async () => {
    const { code, out } = await drift(["--help"]);
    expect(code).toBe(0);
    expect(out).toContain("Exit status: 0 no drift; 7 drift found");
  });
});
