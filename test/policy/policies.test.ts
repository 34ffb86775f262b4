/**
 * Each policy of the pack on hand-made resources, without the Pulumi CLI:
 * a stack that keeps the rule passes, and each way of breaking it is
 * reported once, on the resource at fault, naming it and the fix (and never
 * a secret value).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AppSpec } from "../../stacks/app-spec";
import type { PolicyContext } from "../../policy/lib/define";
import { TYPES } from "../../policy/lib/stack-view";
import { fakeResources, runPolicies, urnOf, type FakeResource, type Violation } from "./run-policies";

const shop: AppSpec = {
  name: "shop",
  description: "a web shop",
  processes: { web: { kind: "web", command: "node web.js" }, release: { kind: "release", command: "node migrate.js" } },
  env: z.object({
    APP_ENV: z.string(),
    PORT: z.string(),
    DATABASE_URL: z.string(),
    REDIS_URL: z.string(),
    SESSION_SECRET: z.string(),
    HEROKU_APP_NAME: z.string(),
    SUPPORT_EMAIL: z.string().optional(),
  }),
  healthPath: "/health",
};
const bot: AppSpec = {
  name: "bot",
  description: "a worker",
  processes: { worker: { kind: "worker", command: "node bot.js" } },
  env: z.object({ APP_ENV: z.string(), PG_POOL_MAX: z.string(), DATABASE_URL: z.string() }),
};
const CONTEXT: PolicyContext = { specs: [shop, bot], basicDynoExceptions: { bot: "a test exception" } };

interface AppOptions {
  readonly tier?: "production" | "staging";
  readonly declared?: Record<string, unknown>;
  readonly vars?: Record<string, string>;
  readonly processes?: Record<string, { size: string; quantity: number }>;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly proxied?: boolean;
  readonly redisPlan?: string;
}

/** One production-ready web app with its own Postgres and Redis, a proxied record and the zone on strict. */
function shopStack(o: AppOptions = {}): FakeResource[] {
  const tier = o.tier ?? "production";
  const service: FakeResource = {
    type: TYPES.service,
    name: "shop",
    props: o.declared ?? { plainConfigKeys: ["SUPPORT_EMAIL"], database: { store: "main", connectionLimit: 20, reservedForOthers: 0 }, proxied: true },
  };
  const protect = o.protect ?? tier === "production";
  const retain = o.retainOnDelete !== undefined ? { retainOnDelete: o.retainOnDelete } : {};
  const dnsComponent: FakeResource = { type: "fleet:cloudflare:AppDnsRecord", name: "shop-dns", props: {}, parent: service };
  return [
    service,
    { type: TYPES.app, name: "shop-app", props: { name: "acme-shop", features: { "runtime-dyno-metadata": true } }, parent: service, protect },
    { type: TYPES.addon, name: "shop-postgres", props: { plan: "heroku-postgresql:standard-0", attachmentName: "DATABASE" }, parent: service, protect, ...retain },
    { type: TYPES.addon, name: "shop-redis", props: { plan: o.redisPlan ?? "heroku-redis:premium-0", attachmentName: "REDIS" }, parent: service, protect, ...retain },
    { type: TYPES.pgSchema, name: "shop-schema-schema", props: { name: "shop" }, parent: service, protect },
    {
      type: TYPES.configVars,
      name: "shop-config",
      props: { vars: o.vars ?? { APP_ENV: tier, SESSION_SECRET: "0f3a9c1e8b7d6a5f4e3d2c1b0a9f8e7d", SUPPORT_EMAIL: "help@example.com", PG_POOL_MAX: "5" } },
      parent: service,
    },
    { type: TYPES.formation, name: "shop-formation", props: { processes: o.processes ?? { web: { size: "standard-1X", quantity: 2 } } }, parent: service },
    dnsComponent,
    { type: TYPES.dnsRecord, name: "shop-dns-cname", props: { name: "shop.example.com", proxied: o.proxied ?? true, ttl: 1 }, parent: dnsComponent },
    { type: TYPES.zoneSetting, name: `${tier}-zone-ssl`, props: { settingId: "ssl", value: "strict" } },
  ];
}

async function check(policy: string, resources: FakeResource[], stack = "production"): Promise<Violation[]> {
  return runPolicies(fakeResources(stack, resources), CONTEXT, policy);
}

function replace(resources: FakeResource[], name: string, change: (r: FakeResource) => FakeResource): FakeResource[] {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name}`);
  return resources.map((r) => (r.name === name ? change(r) : r));
}

describe("the healthy stack", () => {
  it("passes every policy in production and in staging", async () => {
    expect(await runPolicies(fakeResources("production", shopStack()), CONTEXT)).toEqual([]);
    expect(await runPolicies(fakeResources("staging", shopStack({ tier: "staging", processes: { web: { size: "basic", quantity: 1 } } })), CONTEXT)).toEqual([]);
  });
});

describe("production-data-stores-protected", () => {
  const policy = "production-data-stores-protected";

  it("reports every unprotected Postgres add-on, Redis add-on and schema in production, on the resource", async () => {
    const violations = await check(policy, shopStack({ protect: false }));
    expect(violations.map((v) => v.urn).sort()).toEqual(
      ["shop-postgres", "shop-redis", "shop-schema-schema"].map((n) => shopStack().find((r) => r.name === n)!).map((r) => urnOf("production", r)).sort(),
    );
    expect(violations[0]!.message).toMatch(/Heroku Postgres add-on \(heroku-postgresql:standard-0\) 'shop-postgres' of shop is not protected/);
    expect(violations.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
  });

  it("reports a data store not retained on delete where the analyzer tells it", async () => {
    const violations = await check(policy, shopStack({ retainOnDelete: false }));
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/'shop-postgres' .* not retained on delete/), expect.stringMatching(/'shop-redis' .* not retained on delete/)]);
    expect(await check(policy, shopStack({ retainOnDelete: true }))).toEqual([]);
  });

  it("leaves staging alone, and the tier comes from APP_ENV even under another stack name", async () => {
    expect(await check(policy, shopStack({ tier: "staging", protect: false }), "staging")).toEqual([]);
    // A stack called "live" on the production tier writes APP_ENV=production.
    expect(await check(policy, shopStack({ protect: false }), "live")).toHaveLength(3);
  });

  it("ignores add-ons that hold no data", async () => {
    const resources = [...shopStack(), { type: TYPES.addon, name: "shop-scheduler", props: { plan: "scheduler:standard" }, parent: shopStack()[0]! }];
    expect(await check(policy, resources)).toEqual([]);
  });
});

describe("no-plain-secret-config-vars", () => {
  const policy = "no-plain-secret-config-vars";

  it("reports a plain value that looks like a credential, naming the key and the fix but never the value", async () => {
    const token = "sk-proj-abcdefghijklmnop1234567890";
    const resources = shopStack({ vars: { APP_ENV: "production", SESSION_SECRET: "s", SUPPORT_EMAIL: token, PG_POOL_MAX: "5" } });
    const violations = await check(policy, resources);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/config var SUPPORT_EMAIL of shop is written as plain text but looks like an API key/);
    expect(violations[0]!.message).toContain("pulumi config set --secret shop:SUPPORT_EMAIL <value> --stack production");
    expect(violations[0]!.message).not.toContain(token);
    expect(violations[0]!.urn).toBe(urnOf("production", resources.find((r) => r.name === "shop-config")!));
  });

  it("accepts the same value in a key that is a secret (not declared plain)", async () => {
    const vars = { APP_ENV: "production", SESSION_SECRET: "sk-proj-abcdefghijklmnop1234567890", SUPPORT_EMAIL: "help@example.com", PG_POOL_MAX: "5" };
    expect(await check(policy, shopStack({ vars }))).toEqual([]);
  });

  it("reports a plain key named like a credential, in every stack", async () => {
    const declared = { plainConfigKeys: ["SUPPORT_EMAIL", "SESSION_SECRET"], database: { store: "main", connectionLimit: 20, reservedForOthers: 0 }, proxied: true };
    const vars = { APP_ENV: "staging", SESSION_SECRET: "changeme", SUPPORT_EMAIL: "help@example.com", PG_POOL_MAX: "5" };
    const violations = await check(policy, shopStack({ tier: "staging", declared, vars }), "staging");
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/SESSION_SECRET of shop is named like a credential but written as plain text/)]);
  });
});

describe("web-apps-health-path-and-dynos", () => {
  const policy = "web-apps-health-path-and-dynos";

  it("reports a production web app scaled to zero, with the command that scales it", async () => {
    const violations = await check(policy, shopStack({ processes: { web: { size: "standard-1X", quantity: 0 } } }));
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("shop has no web dyno in production stack 'production'")]);
    expect(violations[0]!.message).toContain("pulumi config set --path 'fleet:apps.shop.formation.web.quantity' 1 --stack production");
  });

  it("allows zero web dynos outside production", async () => {
    expect(await check(policy, shopStack({ tier: "staging", processes: { web: { size: "basic", quantity: 0 } } }), "staging")).toEqual([]);
  });

  it("reports a web app whose spec has no health path, and not a worker", async () => {
    const noHealth: PolicyContext = { ...CONTEXT, specs: [{ ...shop, healthPath: undefined } as AppSpec, bot] };
    const violations = await runPolicies(fakeResources("production", shopStack()), noHealth, policy);
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("shop runs a web process but has no health path")]);
    const worker: FakeResource[] = [
      { type: TYPES.service, name: "bot", props: { plainConfigKeys: [] } },
    ];
    const withWorker = [...worker, { type: TYPES.formation, name: "bot-formation", props: { processes: { worker: { size: "standard-1X", quantity: 1 } } }, parent: worker[0]! }];
    expect(await check(policy, withWorker)).toEqual([]);
  });

  it("treats a formation with a web type as a web app even when fleet has no spec for it", async () => {
    const stranger: FakeResource = { type: TYPES.service, name: "stranger", props: { plainConfigKeys: [] } };
    const violations = await check(policy, [stranger, { type: TYPES.formation, name: "stranger-formation", props: { processes: { web: { size: "standard-1X", quantity: 1 } } }, parent: stranger }]);
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("stranger runs a web process but has no health path")]);
  });
});

describe("database-connection-budget", () => {
  const policy = "database-connection-budget";
  const shared = (shopPool: string, botDynos: number, plan = "heroku-postgresql:essential-0"): FakeResource[] => {
    const base = shopStack({ vars: { APP_ENV: "production", SESSION_SECRET: "x", SUPPORT_EMAIL: "a@b.c", PG_POOL_MAX: shopPool } });
    const withPlan = replace(base, "shop-postgres", (r) => ({ ...r, props: { ...r.props, plan } }));
    const botService: FakeResource = { type: TYPES.service, name: "bot", props: { plainConfigKeys: [], database: { store: "main", connectionLimit: 20, reservedForOthers: 0 } } };
    return [
      ...withPlan,
      botService,
      { type: TYPES.configVars, name: "bot-config", props: { vars: { APP_ENV: "production", PG_POOL_MAX: "2" } }, parent: botService },
      { type: TYPES.formation, name: "bot-formation", props: { processes: { worker: { size: "standard-1X", quantity: botDynos } } }, parent: botService },
      { type: TYPES.attachment, name: "bot-database", props: { name: "DATABASE" }, parent: botService },
    ];
  };

  it("passes pools that fit the plan of the add-on that bills the database", async () => {
    // essential-0: 20 connections. shop (2 web + 1 release) × 3 = 9, bot 1 × 2 = 2, reserve 5: 16.
    expect(await check(policy, shared("3", 1))).toEqual([]);
  });

  it("reports written pools over the plan's limit, with the arithmetic", async () => {
    // shop (2+1) × 5 = 15, bot 2 × 2 = 4, reserve 5: 24 > 20.
    const violations = await check(policy, shared("5", 2));
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("database main is over its connection budget: shop (2+1 dynos × 5) + bot (2+0 dynos × 2) + reserve 5 = 24 > limit 20")]);
  });

  it("takes the limit from the add-on's plan, not from what was declared", async () => {
    // The same pools on standard-0 (120 connections) fit, although the service declared 20.
    expect(await check(policy, shared("5", 2, "heroku-postgresql:standard-0"))).toEqual([]);
  });

  it("uses the declared limit and reservation of a database fleet does not bill", async () => {
    const botService: FakeResource = { type: TYPES.service, name: "bot", props: { plainConfigKeys: [], database: { store: "outside", connectionLimit: 20, reservedForOthers: 12 } } };
    const resources: FakeResource[] = [
      botService,
      { type: TYPES.configVars, name: "bot-config", props: { vars: { APP_ENV: "production", PG_POOL_MAX: "2" } }, parent: botService },
      { type: TYPES.formation, name: "bot-formation", props: { processes: { worker: { size: "standard-1X", quantity: 2 } } }, parent: botService },
    ];
    // 2 × 2 + reserve 5 + others 12 = 21 > 20.
    expect((await check(policy, resources)).map((v) => v.message)).toEqual([expect.stringContaining("= 21 > limit 20")]);
  });

  it("does not guess while pools or formations are unknown (preview)", async () => {
    const resources = replace(shared("50", 9), "bot-formation", (r) => ({ ...r, props: {} }));
    expect(await check(policy, resources)).toEqual([]);
  });
});

describe("production-dns-proxied-full-strict", () => {
  const policy = "production-dns-proxied-full-strict";

  it("reports a production record the stack does not want proxied, with the command", async () => {
    const declared = { plainConfigKeys: [], proxied: false };
    const violations = await check(policy, shopStack({ declared, proxied: false }));
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("DNS record shop.example.com of shop is not proxied in production stack 'production' (fleet:proxied is false)")]);
    expect(violations[0]!.message).toContain("pulumi config set fleet:proxied true --stack production");
  });

  it("accepts a record that waits DNS-only for its certificate when the stack wants it proxied", async () => {
    expect(await check(policy, shopStack({ proxied: false }))).toEqual([]);
  });

  it("reports a bare record that is not proxied", async () => {
    const resources = [...shopStack(), { type: TYPES.dnsRecord, name: "stray", props: { name: "stray.example.com", proxied: false } }];
    expect((await check(policy, resources)).map((v) => v.message)).toEqual([expect.stringContaining("DNS record stray.example.com is not proxied")]);
  });

  it("reports the zone on another SSL mode, and a zone whose mode is not managed", async () => {
    const flexible = replace(shopStack(), "production-zone-ssl", (r) => ({ ...r, props: { settingId: "ssl", value: "full" } }));
    expect((await check(policy, flexible)).map((v) => v.message)).toEqual([expect.stringContaining("the zone's SSL mode is 'full'")]);
    const unmanaged = shopStack().filter((r) => r.name !== "production-zone-ssl");
    expect((await check(policy, unmanaged)).map((v) => v.message)).toEqual([expect.stringContaining("does not manage the zone's SSL mode")]);
  });

  it("leaves staging alone", async () => {
    expect(await check(policy, shopStack({ tier: "staging", declared: { plainConfigKeys: [], proxied: false }, proxied: false }), "staging")).toEqual([]);
  });
});

describe("no-eco-or-basic-dynos-in-production", () => {
  const policy = "no-eco-or-basic-dynos-in-production";

  it("reports eco and basic process types in production, each with its command", async () => {
    const violations = await check(policy, shopStack({ processes: { web: { size: "Basic", quantity: 1 }, worker: { size: "eco", quantity: 1 } } }));
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining("shop runs its web process on basic dynos in production stack 'production': pulumi config set --path 'fleet:apps.shop.formation.web.size' standard-1X --stack production"),
      expect.stringContaining("shop runs its worker process on eco dynos"),
    ]);
  });

  it("accepts basic, never eco, for an app with a written exception", async () => {
    const botService: FakeResource = { type: TYPES.service, name: "bot", props: { plainConfigKeys: [] } };
    const bot = (size: string): FakeResource[] => [botService, { type: TYPES.formation, name: "bot-formation", props: { processes: { worker: { size, quantity: 1 } } }, parent: botService }];
    expect(await check(policy, [...shopStack(), ...bot("basic")])).toEqual([]);
    expect(await check(policy, [...shopStack(), ...bot("eco")])).toHaveLength(1);
  });

  it("leaves staging alone", async () => {
    expect(await check(policy, shopStack({ tier: "staging", processes: { web: { size: "eco", quantity: 1 } } }), "staging")).toEqual([]);
  });
});

describe("required-env-vars-supplied", () => {
  const policy = "required-env-vars-supplied";

  it("reports a required variable nothing supplies, and one that is empty, without values", async () => {
    const violations = await check(policy, shopStack({ vars: { APP_ENV: "production", SESSION_SECRET: "", PG_POOL_MAX: "5" } }));
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining("shop requires SESSION_SECRET, and it is empty")]);
    const missing = await check(policy, shopStack({ vars: { PG_POOL_MAX: "5", SESSION_SECRET: "x" } }));
    expect(missing.map((v) => v.message)).toEqual([expect.stringContaining("shop requires APP_ENV, and nothing supplies it: pulumi config set --secret shop:APP_ENV <value> --stack production")]);
  });

  it("counts variables set by Heroku, by dyno metadata and by the app's data add-ons", async () => {
    const withoutMetadata = replace(shopStack(), "shop-app", (r) => ({ ...r, props: { name: "acme-shop", features: {} } }));
    expect((await check(policy, withoutMetadata)).map((v) => v.message)).toEqual([expect.stringContaining("shop requires HEROKU_APP_NAME")]);
    const withoutRedis = shopStack().filter((r) => r.name !== "shop-redis");
    expect((await check(policy, withoutRedis)).map((v) => v.message)).toEqual([expect.stringContaining("shop requires REDIS_URL")]);
  });

  it("counts an attachment's variables for an app that uses another app's database", async () => {
    const botService: FakeResource = { type: TYPES.service, name: "bot", props: { plainConfigKeys: [] } };
    const bot = (attachment: string | undefined): FakeResource[] => [
      botService,
      { type: TYPES.configVars, name: "bot-config", props: { vars: { APP_ENV: "production", PG_POOL_MAX: "2" } }, parent: botService },
      ...(attachment ? [{ type: TYPES.attachment, name: "bot-database", props: { name: attachment }, parent: botService }] : []),
    ];
    expect(await check(policy, bot("DATABASE"))).toEqual([]);
    expect((await check(policy, bot("FLEET_ADMIN_DATABASE"))).map((v) => v.message)).toEqual([expect.stringContaining("bot requires DATABASE_URL")]);
  });
});
