/**
 * The real program under the mock runtime, per stack: which resources exist
 * for each app, their key inputs, parents, dependencies, secret flags and
 * protection — what `pulumi up` would register.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type Registered, type RunResult } from "../harness/program";
import { outputs } from "../harness/service-outputs";
import { completeConfig, editJson, fakeSecret, type TestConfig } from "./fixtures";

const APPS = ["steam-reviews", "shop-sentiment", "euterpe", "threads-api", "threads-web", "zoomer-bot"];
const T = {
  service: "fleet:heroku:HerokuService",
  app: "pulumi-nodejs:dynamic/heroku:App",
  addon: "pulumi-nodejs:dynamic/heroku:Addon",
  attachment: "pulumi-nodejs:dynamic/heroku:AddonAttachment",
  configVars: "pulumi-nodejs:dynamic/heroku:ConfigVars",
  build: "pulumi-nodejs:dynamic/heroku:Build",
  formation: "pulumi-nodejs:dynamic/heroku:Formation",
  domain: "pulumi-nodejs:dynamic/heroku:Domain",
  scheduler: "pulumi-nodejs:dynamic/heroku:SchedulerJob",
  credential: "pulumi-nodejs:dynamic/heroku:PostgresCredential",
  redisConfig: "pulumi-nodejs:dynamic/heroku:RedisConfig",
  backups: "pulumi-nodejs:dynamic/heroku:PostgresBackupSchedule",
  schema: "fleet:postgres:AppSchema",
  pgSchema: "postgresql:index/schema:Schema",
  pgProvider: "pulumi:providers:postgresql",
  randomBytes: "random:index/randomBytes:RandomBytes",
  dns: "cloudflare:index/dnsRecord:DnsRecord",
  access: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
};

function run(stack: string, config: TestConfig): Promise<RunResult> {
  return runProgram({ stack, config: config.values, secretKeys: config.secretKeys, outputs });
}

const byName = (result: RunResult, name: string): Registered => {
  const found = result.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have ${result.resources.map((r) => r.name).join(", ")}`);
  return found;
};
const ofType = (result: RunResult, type: string): Registered[] => result.resources.filter((r) => r.type === type);
const varsOf = (result: RunResult, app: string): Record<string, string> => byName(result, `${app}-config`).inputs["vars"] as Record<string, string>;

describe.each(["staging", "production"] as const)("stack %s", (stack) => {
  let result: RunResult;
  beforeAll(async () => {
    result = await run(stack, completeConfig(stack));
  }, 120_000);

  it("registers every app without error", () => {
    expect(result.error).toBeUndefined();
    expect(ofType(result, T.service).map((r) => r.name).sort()).toEqual([...APPS].sort());
  });

  it.each(APPS)("%s: app, config vars, build and formation, parented to the service, built after its config and data", (app) => {
    const service = byName(result, app);
    const heroku = byName(result, `${app}-app`);
    const config = byName(result, `${app}-config`);
    const build = byName(result, `${app}-build`);
    const formation = byName(result, `${app}-formation`);
    for (const child of [heroku, config, build, formation]) expect(child.parent).toBe(service.urn);
    expect(heroku.inputs["name"]).toBe(stack === "production" ? (app === "euterpe" ? "euterpe" : `fleet-${app}`) : `fleet-${app}-stg`);
    expect(heroku.inputs["features"]).toEqual({ "runtime-dyno-metadata": true });
    expect(build.inputs["sourceDir"]).toBe(`apps/${app}`);
    expect(build.inputs["sourceSha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(build.dependencies).toContain(config.urn);
    expect(formation.dependencies).toContain(build.urn);
    // Depending on a component means depending on its children: the schema itself and its grants.
    const schema = result.resources.find((r) => r.name === `${app}-schema-schema`);
    if (schema) expect(build.dependencies).toContain(schema.urn);
    const grant = result.resources.find((r) => r.name === `${app}-schema-schema-grant`);
    if (grant) expect(build.dependencies).toContain(grant.urn);
  });

  it.each(APPS)("%s: config-var values are secrets, and no secret sits in a plain input", (app) => {
    const config = byName(result, `${app}-config`);
    expect(config.secretInputs).toContain("vars");
    expect(config.additionalSecretOutputs).toContain("vars");
    const secretValues = Object.values(varsOf(result, app)).filter((v) => v.startsWith("fake-secret-for-"));
    for (const r of result.resources) {
      for (const [key, value] of Object.entries(r.inputs)) {
        if (r.secretInputs.includes(key)) continue;
        const text = JSON.stringify(value);
        for (const secret of secretValues) expect(text, `${r.name}.${key}`).not.toContain(secret);
      }
    }
  });

  it("declares every secret output of the Heroku resources as secret", () => {
    const expected: Record<string, string[]> = {
      [T.addon]: ["configVars"],
      [T.attachment]: ["configVars"],
      [T.configVars]: ["vars"],
      [T.credential]: ["password", "url"],
    };
    for (const [type, keys] of Object.entries(expected)) {
      for (const r of ofType(result, type)) expect(r.additionalSecretOutputs, r.name).toEqual(expect.arrayContaining(keys));
    }
    for (const provider of ofType(result, T.pgProvider)) expect(provider.secretInputs, provider.name).toContain("password");
  });

  it("protects apps and data stores in production only, and keeps data stores on delete", () => {
    const protectedTypes = [T.app, T.pgSchema];
    for (const r of result.resources.filter((x) => protectedTypes.includes(x.type))) expect(r.protect, r.name).toBe(stack === "production");
    const dataAddons = ofType(result, T.addon).filter((r) => /heroku-(postgresql|redis):/.test(String(r.inputs["plan"])));
    expect(dataAddons.length).toBeGreaterThan(0);
    for (const addon of dataAddons) {
      expect(addon.protect, addon.name).toBe(stack === "production");
      expect(addon.retainOnDelete, addon.name).toBe(stack === "production");
    }
  });

  it("writes only variables fleet owns: never an add-on's DATABASE_URL or REDIS_URL", () => {
    for (const app of APPS) {
      const vars = varsOf(result, app);
      expect(vars["REDIS_URL"]).toBeUndefined();
      if (app !== "zoomer-bot" || stack === "staging") expect(vars["DATABASE_URL"], app).toBeUndefined();
      expect(vars["APP_ENV"]).toBe(stack);
    }
  });

  it("gives each app with data its schema, pool size and key prefix", () => {
    expect(varsOf(result, "euterpe")["DATABASE_SCHEMA"]).toBe("euterpe");
    expect(Number(varsOf(result, "euterpe")["PG_POOL_MAX"])).toBeGreaterThanOrEqual(2);
    expect(varsOf(result, "threads-api")["REDIS_KEY_PREFIX"]).toBe("threads-api:");
    expect(ofType(result, T.pgSchema).map((r) => r.inputs["name"]).sort()).toEqual(["euterpe", "shop_sentiment", "steam_reviews", "threads_api", "zoomer_bot"]);
  });

  it("derives the Spotify redirect URI from the public URL", () => {
    const host = stack === "production" ? "euterpe.fleet-apps.dev" : "euterpe-staging.fleet-apps.dev";
    expect(varsOf(result, "euterpe")["SPOTIFY_REDIRECT_URI"]).toBe(`https://${host}/callback`);
  });

  it("puts each Heroku domain before its DNS record, and admin paths behind Access", () => {
    for (const app of ["steam-reviews", "threads-api", "euterpe"]) {
      const domain = byName(result, `${app}-domain`);
      const record = byName(result, `${app}-dns-cname`);
      expect(record.dependencies).toContain(domain.urn);
      expect(record.inputs["type"]).toBe("CNAME");
    }
    // Each app with admin paths (steam-reviews, threads-api) has them behind Access on its own hostname.
    const access = ofType(result, T.access).map((r) => JSON.stringify(r.inputs["destinations"]));
    for (const app of ["steam-reviews", "threads-api"]) {
      const hostname = String(byName(result, `${app}-domain`).inputs["hostname"]);
      expect(access.some((d) => d.includes(`${hostname}/admin`))).toBe(true);
    }
  });

  it("schedules steam-reviews' pipeline hourly, after its build", () => {
    const job = byName(result, "steam-reviews-job-pipeline");
    expect(job.inputs).toMatchObject({ every: 60, at: 0, command: expect.stringContaining("pipeline") });
    expect(job.dependencies).toContain(byName(result, "steam-reviews-build").urn);
  });

  it("exports each app's Heroku name, web URL and custom URL", () => {
    const apps = result.outputs["apps"] as Record<string, { herokuName: string; webUrl: string; customUrl?: string }>;
    expect(Object.keys(apps).sort()).toEqual([...APPS].sort());
    expect(apps["euterpe"]!.webUrl).toMatch(/^https:\/\/.*\.herokuapp\.com$/);
    expect(apps["threads-web"]!.customUrl).toMatch(/^https:\/\/app(-staging)?\.fleet-apps\.dev$/);
    expect(apps["zoomer-bot"]!.customUrl).toBeUndefined();
  });
});

describe("stack-specific data layout", () => {
  it("staging shares one Essential database and one Redis (euterpe keeps its own): owners bill them, the others attach", async () => {
    const result = await run("staging", completeConfig("staging"));
    const pg = ofType(result, T.addon).filter((r) => String(r.inputs["plan"]).startsWith("heroku-postgresql:"));
    expect(pg.map((r) => [r.name, r.inputs["plan"]]).sort()).toEqual([
      ["euterpe-postgres", "heroku-postgresql:essential-0"],
      ["steam-reviews-postgres", "heroku-postgresql:essential-2"],
    ]);
    const attachments = ofType(result, T.attachment).map((r) => r.name).sort();
    expect(attachments).toEqual(["shop-sentiment-database", "threads-api-database", "threads-api-redis", "zoomer-bot-database"]);
    expect(ofType(result, T.credential)).toEqual([]);
    expect(ofType(result, T.redisConfig).map((r) => r.inputs["maxmemoryPolicy"])).toEqual(["noeviction"]);
  }, 120_000);

  it("production gives Standard databases a credential per app, backs them up, and adopts euterpe", async () => {
    const result = await run("production", completeConfig("production"));
    expect(byName(result, "euterpe-app").inputs).toMatchObject({ name: "euterpe", adopt: true });
    expect(byName(result, "euterpe-app").retainOnDelete).toBe(true);
    expect(ofType(result, T.credential).map((r) => r.name).sort()).toEqual(["shop-sentiment-credential", "steam-reviews-credential", "threads-api-credential"]);
    expect(byName(result, "steam-reviews-database").inputs).toMatchObject({ name: "DATABASE", namespace: "credential:steam_reviews" });
    expect(ofType(result, T.backups).map((r) => r.inputs["hour"])).toEqual(["02", "02", "02"]);
    // euterpe attaches to bookshelf-hermes's database, which fleet does not own.
    expect(byName(result, "euterpe-database").inputs).toMatchObject({ addon: "bookshelf-hermes-db", name: "DATABASE" });
    expect(ofType(result, T.redisConfig).map((r) => [r.name, r.inputs["maxmemoryPolicy"]]).sort()).toEqual([
      ["shop-sentiment-redis-config", "allkeys-lru"],
      ["threads-api-redis-config", "noeviction"],
    ]);
    // zoomer-bot's Supabase role and its URL, written as a secret config var.
    expect(byName(result, "zoomer-bot-schema-role").inputs).toMatchObject({ name: "zoomer_bot_app", login: true });
    expect(varsOf(result, "zoomer-bot")["DATABASE_URL"]).toMatch(/^postgres:\/\/zoomer_bot_app:/);
  }, 120_000);
});

describe("rotation", () => {
  it("bumping a generation changes exactly the rotated secret and its previous value", async () => {
    const before = await run("production", completeConfig("production"));
    const rotated = editJson<Record<string, Record<string, unknown>>>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], rotate: { SECRET_KEY: 2 } };
    });
    const after = await run("production", rotated);
    expect(after.error).toBeUndefined();

    const names = (r: RunResult): string[] => r.resources.map((x) => x.name).sort();
    expect(names(after).filter((n) => !names(before).includes(n))).toEqual(["euterpe-secrets-secret-key-g2"]);
    expect(names(before).filter((n) => !names(after).includes(n))).toEqual([]);

    const old = varsOf(before, "euterpe");
    const now = varsOf(after, "euterpe");
    expect(now["SECRET_KEY"]).not.toBe(old["SECRET_KEY"]);
    expect(now["SECRET_KEY_PREVIOUS"]).toBe(old["SECRET_KEY"]);
    const changed = Object.keys({ ...old, ...now }).filter((k) => old[k] !== now[k]).sort();
    expect(changed).toEqual(["SECRET_KEY", "SECRET_KEY_PREVIOUS"]);
    for (const app of APPS.filter((a) => a !== "euterpe")) expect(varsOf(after, app)).toEqual(varsOf(before, app));
  }, 120_000);

  it("a key list keeps the previous key after the new one", async () => {
    const rotated = editJson<Record<string, Record<string, unknown>>>(completeConfig("staging"), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], rotate: { ENCRYPTION_KEY: 2 } };
    });
    const before = varsOf(await run("staging", completeConfig("staging")), "euterpe")["ENCRYPTION_KEY"]!;
    const after = varsOf(await run("staging", rotated), "euterpe")["ENCRYPTION_KEY"]!;
    expect(before.split(",")).toHaveLength(1);
    expect(after.split(",")).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}=$/), before]);
  }, 120_000);
});

describe("a rejected stack registers nothing", () => {
  it("stops before the first resource and lists every problem with its fix", async () => {
    const config = completeConfig("production");
    delete config.values["euterpe:SPOTIFY_CLIENT_SECRET"];
    config.values["fleet:herokuRegion"] = "asia";
    const result = await run("production", config);
    expect(result.resources).toEqual([]);
    expect(result.error?.message).toContain("stack 'production' has 1 problem and 1 secret not set; nothing was registered");
    expect(result.error?.message).toContain("pulumi config set --secret euterpe:SPOTIFY_CLIENT_SECRET <value> --stack production");
    expect(result.error?.message).toContain("fleet:herokuRegion");
    expect(result.error?.message).not.toContain(fakeSecret("euterpe:SPOTIFY_CLIENT_ID"));
  }, 120_000);
});

describe("adopting the secrets of an existing app", () => {
  /** Production with euterpe's current keys provided, as they are on the adopted app today. */
  function adoptedKeys(rotate?: Record<string, number>): TestConfig {
    const config = completeConfig("production");
    for (const key of ["SECRET_KEY", "ENCRYPTION_KEY"]) {
      config.values[`euterpe:${key}`] = key === "ENCRYPTION_KEY" ? "QWRvcHRlZC1rZXktdGhhdC1pcy0zMi1ieXRlcy1sb25nIQ==" : "ab".repeat(32);
      config.secretKeys.push(`euterpe:${key}`);
    }
    if (rotate) editJson<Record<string, Record<string, unknown>>>(config, "fleet:apps", (apps) => void (apps["euterpe"] = { ...apps["euterpe"], rotate }));
    return config;
  }

  it("keeps the values the app already uses, generating nothing for them", async () => {
    const result = await run("production", adoptedKeys());
    expect(result.error?.message).toBeUndefined();
    const vars = varsOf(result, "euterpe");
    expect(vars["ENCRYPTION_KEY"]).toBe("QWRvcHRlZC1rZXktdGhhdC1pcy0zMi1ieXRlcy1sb25nIQ==");
    expect(vars["SECRET_KEY"]).toBe("ab".repeat(32));
    expect(vars["SECRET_KEY_PREVIOUS"]).toBeUndefined();
    expect(ofType(result, T.randomBytes).filter((r) => r.name.startsWith("euterpe-"))).toEqual([]);
  }, 120_000);

  it("the first rotation generates a key and keeps the adopted one as previous", async () => {
    const result = await run("production", adoptedKeys({ ENCRYPTION_KEY: 1, SECRET_KEY: 1 }));
    const vars = varsOf(result, "euterpe");
    expect(vars["ENCRYPTION_KEY"]!.split(",")).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}=$/), "QWRvcHRlZC1rZXktdGhhdC1pcy0zMi1ieXRlcy1sb25nIQ=="]);
    expect(vars["SECRET_KEY_PREVIOUS"]).toBe("ab".repeat(32));
    expect(vars["SECRET_KEY"]).toMatch(/^[0-9a-f]{64}$/);
    expect(ofType(result, T.randomBytes).filter((r) => r.name.startsWith("euterpe-")).map((r) => r.name).sort()).toEqual([
      "euterpe-secrets-encryption-key-g1",
      "euterpe-secrets-secret-key-g1",
    ]);
  }, 120_000);
});

describe("log drain", () => {
  it("sends every app's logs to the stack's drain, its URL a secret", async () => {
    const config = completeConfig("staging");
    config.values["fleet:logDrainUrl"] = "syslog+tls://logs.example.net:6514?token=drain-token-123";
    config.secretKeys.push("fleet:logDrainUrl");
    const result = await run("staging", config);
    const drains = ofType(result, "pulumi-nodejs:dynamic/heroku:Drain");
    expect(drains.map((d) => d.name).sort()).toEqual(APPS.map((a) => `${a}-drain`).sort());
    for (const drain of drains) {
      expect(drain.secretInputs).toContain("url");
      expect(drain.inputs["url"]).toBe("syslog+tls://logs.example.net:6514?token=drain-token-123");
    }
  }, 120_000);

  it("refuses a drain URL stored in plaintext", async () => {
    const config = completeConfig("staging");
    config.values["fleet:logDrainUrl"] = "syslog+tls://logs.example.net:6514";
    const result = await run("staging", config);
    expect(result.resources).toEqual([]);
    expect(result.error?.message).toContain("fleet:logDrainUrl: holds a URL that may carry credentials but is stored in plaintext");
  }, 120_000);
});

describe("build-time variables", () => {
  it("threads-web rebuilds when the API URL compiled into its bundle changes, and only then", async () => {
    const base = await run("production", completeConfig("production"));
    const moved = editJson<Record<string, Record<string, unknown>>>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["threads-api"] = { ...apps["threads-api"], domain: "api2.fleet-apps.dev" };
    });
    const after = await run("production", moved);
    const hash = (r: RunResult, app: string): unknown => byName(r, `${app}-build`).inputs["buildEnvSha256"];
    expect(hash(base, "threads-web")).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(after, "threads-web")).not.toBe(hash(base, "threads-web"));
    expect(byName(after, "threads-web-build").secretInputs).not.toContain("buildEnvSha256");
    expect(hash(base, "euterpe")).toBeUndefined();
  }, 120_000);
});

describe("the proxy follows the certificate", () => {
  async function proxiedWith(domain: Record<string, unknown>): Promise<unknown> {
    const { values, secretKeys } = completeConfig("production");
    const result = await runProgram({
      stack: "production",
      config: values,
      secretKeys,
      outputs: (type, name, inputs) => ({ ...outputs(type, name, inputs), ...(type === T.domain ? domain : {}) }),
    });
    return byName(result, "steam-reviews-dns-cname").inputs["proxied"];
  }

  it("stays DNS-only until ACM has issued the certificate", async () => {
    expect(await proxiedWith({ acmStatus: "pending", certificateIssued: false })).toBe(false);
  }, 120_000);

  it("stays proxied, Access in front, while a renewal fails its checks", async () => {
    expect(await proxiedWith({ acmStatus: "failing", certificateIssued: true })).toBe(true);
  }, 120_000);
});

describe("what the last deployment applied", () => {
  function rotated(generation: number): TestConfig {
    return editJson<Record<string, Record<string, unknown>>>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], rotate: { SECRET_KEY: generation } };
    });
  }

  it("is recorded in the stack output 'fleet', with no secret in it", async () => {
    const result = await run("production", rotated(3));
    expect(result.error).toBeUndefined();
    const record = result.outputs["fleet"] as Record<string, unknown>;
    expect(record).toMatchObject({
      version: 1,
      heroku: { region: "eu", team: null },
      generations: { euterpe: { SECRET_KEY: 3, ENCRYPTION_KEY: 1 }, "threads-api": { JWT_ACCESS_SECRET: 1 } },
      databases: { hermes: { kind: "attach", owner: null, plan: "essential-0" }, "steam-reviews-db": { kind: "addon", owner: "steam-reviews", plan: "standard-0" } },
      redis: { "threads-api-redis": { owner: "threads-api" } },
    });
    expect(JSON.stringify(record)).not.toContain("fake-secret-for-");
  }, 120_000);

  it("is read back through a StackReference: a lower generation registers nothing", async () => {
    const applied = (await run("production", rotated(3))).outputs;
    const result = await runProgram({ stack: "production", config: rotated(2).values, secretKeys: rotated(2).secretKeys, outputs, stackOutputs: applied });
    expect(result.reads).toEqual([{ type: "pulumi:pulumi:StackReference", name: "last-deployment", id: "organization/fleet/production" }]);
    expect(result.resources).toEqual([]);
    expect(result.error?.message).toContain("stack 'production' has 1 problem; nothing was registered:");
    expect(result.error?.message).toContain("fleet:apps.euterpe.rotate.SECRET_KEY: is generation 2, but generation 3 is live");
    expect(result.error?.message).toContain("fix: pulumi config set --path 'fleet:apps.euterpe.rotate.SECRET_KEY' 3 --stack production");
  }, 120_000);

  it("the same generation, or a higher one, deploys", async () => {
    const applied = (await run("production", rotated(3))).outputs;
    for (const generation of [3, 4]) {
      const result = await runProgram({ stack: "production", config: rotated(generation).values, secretKeys: rotated(generation).secretKeys, outputs, stackOutputs: applied });
      expect(result.error, String(generation)).toBeUndefined();
      expect(result.resources.length).toBeGreaterThan(50);
    }
  }, 240_000);

  it("a shared database billed to another app registers nothing", async () => {
    const applied = (await run("staging", completeConfig("staging"))).outputs;
    const moved = editJson<Record<string, Record<string, unknown>>>(completeConfig("staging"), "fleet:databases", (dbs) => {
      dbs["shared"] = { ...dbs["shared"], owner: "zoomer-bot" };
    });
    const result = await runProgram({ stack: "staging", config: moved.values, secretKeys: moved.secretKeys, outputs, stackOutputs: applied });
    expect(result.resources).toEqual([]);
    expect(result.error?.message).toContain("fleet:databases.shared.owner: is zoomer-bot, but the database's add-on is billed to steam-reviews");
  }, 120_000);
});

describe("stacks beyond staging and production", () => {
  it("a stack named qa on the staging tier runs its apps with APP_ENV=staging", async () => {
    const result = await run("qa", completeConfig("staging"));
    expect(result.error).toBeUndefined();
    for (const app of APPS) expect(varsOf(result, app)["APP_ENV"], app).toBe("staging");
    expect(byName(result, "euterpe-app").inputs["name"]).toBe("fleet-euterpe-qa");
  }, 120_000);
});

describe("a secure value in fleet:apps", () => {
  it("reaches the config vars as a secret, and keeps even the build-time hash secret", async () => {
    const config = editJson<Record<string, Record<string, unknown>>>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["threads-web"] = { config: { SITE_URL: "https://www.fleet-apps.dev" } };
    });
    config.secretKeys.push("fleet:apps");
    const result = await run("production", config);
    expect(result.error).toBeUndefined();
    expect(varsOf(result, "threads-web")["SITE_URL"]).toBe("https://www.fleet-apps.dev");
    expect(byName(result, "threads-web-config").secretInputs).toContain("vars");
    expect(byName(result, "threads-web-build").secretInputs).toContain("buildEnvSha256");
    for (const r of result.resources) {
      for (const [key, value] of Object.entries(r.inputs)) {
        if (!r.secretInputs.includes(key)) expect(JSON.stringify(value), `${r.name}.${key}`).not.toContain("www.fleet-apps.dev");
      }
    }
  }, 120_000);
});
