/**
 * Every way a stack configuration can be wrong is reported with the config
 * path (or app and variable), what is wrong and the exact fix — all problems
 * together, before anything is registered.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AppContext, AppSpec } from "../../stacks/app-spec";
import { buildEnvironment } from "../../stacks/environment";
import { APP_SPECS } from "../../stacks/specs";
import { build, completeConfig, editJson, problemsOf, type TestConfig } from "./fixtures";

type Apps = Record<string, Record<string, unknown>>;

function staging(): TestConfig {
  return completeConfig("staging");
}

function onlyProblem(config: TestConfig, stack = "staging") {
  const problems = problemsOf(build(stack, config));
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

describe("the committed stacks", () => {
  it.each(["staging", "production"] as const)("%s is valid once its secrets are set", (stack) => {
    const result = build(stack, completeConfig(stack));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe("bad stack configurations", () => {
  it("rejects an unknown tier", () => {
    const config = staging();
    config.values["fleet:tier"] = "prod";
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:tier");
    expect(p.what).toBe('is "prod" (text); expected one of staging, production');
    expect(p.fix).toBe("pulumi config set fleet:tier staging --stack staging");
  });

  it("requires the app-name prefix", () => {
    const config = staging();
    delete config.values["fleet:appPrefix"];
    const p = onlyProblem(config);
    expect(p).toEqual({
      where: "fleet:appPrefix",
      what: "is missing; expected the prefix of every Heroku app name (1–12 lowercase letters, digits or dashes, such as fleet)",
      fix: "pulumi config set fleet:appPrefix <value> --stack staging",
    });
  });

  it("rejects a region Heroku does not have", () => {
    const config = staging();
    config.values["fleet:herokuRegion"] = "asia";
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:herokuRegion");
    expect(p.what).toMatch(/"us"|us.*eu/);
  });

  it("names an unknown fleet setting", () => {
    const config = staging();
    config.values["fleet:herokuRegon"] = "eu";
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:herokuRegon");
    expect(p.what).toBe("is not a fleet setting");
    expect(p.fix).toContain("fleet:herokuRegion");
  });

  it("rejects a dyno size Heroku does not sell, at its config path", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], formation: { web: { size: "standard-3X" } } };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.formation.web.size");
    expect(p.what).toContain("'standard-3X' is not a Heroku dyno size");
    expect(p.fix).toBe("pulumi config set --path 'fleet:apps.euterpe.formation.web.size' <value> --stack staging");
  });

  it("names an unknown per-app setting and lists the known ones", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], dynos: 2 };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe");
    expect(p.what).toBe("unknown setting 'dynos'");
    expect(p.fix).toContain("known here: enabled, adoptApp, herokuName, formation");
  });

  it("rejects settings for an app the fleet does not have", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["eutrepe"] = { domain: false };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.eutrepe");
    expect(p.what).toBe("is not an app of the fleet");
    expect(p.fix).toContain("euterpe");
  });

  it("rejects a process type the app does not have", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], formation: { worker: { quantity: 1 } } };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.formation.worker");
    expect(p.what).toBe("is not a process type of euterpe");
    expect(p.fix).toBe("use one of web");
  });

  it("refuses to scale the release phase", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], formation: { release: { quantity: 1 } } };
    });
    const p = onlyProblem(config);
    expect(p.what).toContain("release phase");
    expect(p.fix).toBe("remove fleet:apps.euterpe.formation.release from Pulumi.staging.yaml");
  });

  it("refuses more than one basic dyno per process type", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], formation: { web: { quantity: 2 } } };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.formation.web");
    expect(p.what).toBe("asks for 2 basic dynos; Heroku runs at most one basic dyno per process type");
    expect(p.fix).toContain("pulumi config set --path 'fleet:apps.euterpe.formation.web.quantity' 1 --stack staging");
  });

  it("checks an adopted app's name against Heroku's rules", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], adoptApp: "Euterpe_App" };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.adoptApp");
    expect(p.what).toContain("is not a valid Heroku app name (3–30 characters");
  });

  it("rejects a Heroku app name over 30 characters", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], herokuName: "euterpe-spotify-dashboard-staging" };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.herokuName");
    expect(p.what).toContain("is not a valid Heroku app name");
  });

  it("refuses two apps with one Heroku name", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], herokuName: "fleet-music" };
      apps["threads-web"] = { herokuName: "fleet-music" };
    });
    const p = onlyProblem(config);
    expect(p.what).toMatch(/would use Heroku app name 'fleet-music', already used by (euterpe|threads-web)/);
    expect(p.fix).toContain("herokuName");
  });

  it("rejects a database nobody defined", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], database: "music" };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.database");
    expect(p.what).toBe("names database 'music', which fleet:databases does not define");
    expect(p.fix).toBe("use dedicated or one of shared");
  });

  it("rejects a database setting on an app without data", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["threads-web"] = { database: "shared" };
    });
    const p = onlyProblem(config);
    expect(p).toMatchObject({ where: "fleet:apps.threads-web.database", what: "is set but threads-web uses no database" });
  });

  it("requires a shared database's owner to be one of its users", () => {
    const config = editJson<Record<string, Record<string, unknown>>>(staging(), "fleet:databases", (dbs) => {
      dbs["shared"] = { ...dbs["shared"], owner: "threads-web" };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:databases.shared.owner");
    expect(p.what).toContain("'threads-web' must be one of the apps that use it");
  });

  it("requires exactly one kind of database", () => {
    const config = editJson<Record<string, Record<string, unknown>>>(staging(), "fleet:databases", (dbs) => {
      dbs["shared"] = { ...dbs["shared"], external: { connectionLimit: 50 } };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:databases.shared");
    expect(p.what).toBe(
      "has owner and external, but a database is exactly one of: owner (a fleet app bills its add-on), attach (an add-on billed outside fleet) or external (outside Heroku)",
    );
    expect(p.fix).toBe(
      "keep the one that describes the database and remove the other: pulumi config rm --path 'fleet:databases.shared.owner' --stack staging, or pulumi config rm --path 'fleet:databases.shared.external' --stack staging",
    );
  });

  it("reports a database defined but used by no app", () => {
    const config = editJson<Record<string, Record<string, unknown>>>(staging(), "fleet:databases", (dbs) => {
      dbs["spare"] = { plan: "essential-0", owner: "euterpe" };
    });
    const p = onlyProblem(config);
    expect(p).toMatchObject({ where: "fleet:databases.spare", what: "is defined but no app uses it" });
  });

  it("rejects an over-budget database with the arithmetic", () => {
    const config = editJson<Record<string, Record<string, unknown>>>(staging(), "fleet:databases", (dbs) => {
      dbs["shared"] = { ...dbs["shared"], reservedConnections: 30 };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("database shared");
    expect(p.what).toMatch(/is over its connection budget: steam-reviews \(1\+3 dynos × 2\) \+ .* \+ reserve 3 \+ others 30 = \d+ > limit 40/);
    expect(p.fix).toContain("at least 2 are needed");
  });

  it("names a missing provided secret with the command that sets it", () => {
    const config = staging();
    delete config.values["euterpe:SPOTIFY_CLIENT_SECRET"];
    const p = onlyProblem(config);
    expect(p.where).toBe("euterpe SPOTIFY_CLIENT_SECRET");
    expect(p.what).toBe("is required and not set (Client secret of the same Spotify app)");
    expect(p.fix).toBe("pulumi config set --secret euterpe:SPOTIFY_CLIENT_SECRET <value> --stack staging");
  });

  it("refuses a secret stored in plaintext", () => {
    const config = staging();
    config.secretKeys = config.secretKeys.filter((k) => k !== "euterpe:SPOTIFY_CLIENT_ID");
    const p = onlyProblem(config);
    expect(p).toEqual({
      where: "euterpe:SPOTIFY_CLIENT_ID",
      what: "is a secret stored in plaintext",
      fix: "pulumi config set --secret euterpe:SPOTIFY_CLIENT_ID <value> --stack staging",
    });
  });

  it("suggests the right name for a mistyped secret", () => {
    const config = staging();
    config.values["euterpe:SPOTIFY_CLIENT_SECRT"] = "x";
    config.secretKeys.push("euterpe:SPOTIFY_CLIENT_SECRT");
    const p = onlyProblem(config);
    expect(p.where).toBe("euterpe:SPOTIFY_CLIENT_SECRT");
    expect(p.what).toBe("is not a secret euterpe takes (did you mean SPOTIFY_CLIENT_SECRET?)");
    expect(p.fix).toBe("pulumi config rm euterpe:SPOTIFY_CLIENT_SECRT --stack staging");
  });

  it("rejects config for a variable the app does not read", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], config: { SPOTIFY_SCOPES: "user-top-read" } };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.config.SPOTIFY_SCOPES");
    expect(p.what).toBe("is not a variable euterpe reads (did you mean SPOTIFY_SCOPE?)");
  });

  it("only rotates secrets fleet generates", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], rotate: { SPOTIFY_CLIENT_ID: 2 } };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.rotate.SPOTIFY_CLIENT_ID");
    expect(p.fix).toBe("rotate one of SECRET_KEY, ENCRYPTION_KEY");
  });

  it("refuses a custom domain outside the zone", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], domain: "euterpe.example.org" };
    });
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:apps.euterpe.domain");
    expect(p.what).toBe("'euterpe.example.org' is not in the zone fleet-apps.dev");
  });

  it("refuses a custom domain when the stack has no zone", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], domain: "euterpe.example.org" };
    });
    delete config.values["fleet:cloudflareZone"];
    const p = onlyProblem(config);
    expect(p.what).toBe("is set but the stack has no Cloudflare zone to put its record in");
    expect(p.fix).toBe("pulumi config set fleet:cloudflareZone example.com --stack staging");
  });

  it("requires someone to be let through Access when an app has admin paths", () => {
    const config = staging();
    config.values["fleet:accessEmails"] = "[]";
    const p = onlyProblem(config);
    expect(p.where).toBe("fleet:accessEmails");
    expect(p.what).toContain("nobody could pass Cloudflare Access");
  });

  it("requires an external database's URL as a secret", () => {
    const config = completeConfig("production");
    delete config.values["fleet:databaseUrls"];
    const p = onlyProblem(config, "production");
    expect(p.where).toBe("fleet:databaseUrls.supabase");
    expect(p.fix).toBe("pulumi config set --secret --path 'fleet:databaseUrls.supabase' 'postgres://user:password@host:5432/dbname' --stack production");
  });

  it("refuses external database URLs stored in plaintext", () => {
    const config = completeConfig("production");
    config.secretKeys = config.secretKeys.filter((k) => k !== "fleet:databaseUrls");
    const p = onlyProblem(config, "production");
    expect(p.where).toBe("fleet:databaseUrls");
    expect(p.what).toContain("stored in plaintext");
  });

  it("rejects config in a namespace that is no app", () => {
    const config = staging();
    config.values["eutrepe:SPOTIFY_CLIENT_ID"] = "x";
    config.secretKeys.push("eutrepe:SPOTIFY_CLIENT_ID");
    const p = onlyProblem(config);
    expect(p.where).toBe("eutrepe:");
    expect(p.what).toBe("is not an app of the fleet");
  });

  it("reports every problem at once", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], formation: { web: { size: "huge" } } };
    });
    config.values["fleet:herokuRegion"] = "asia";
    config.values["fleet:herokuRegon"] = "eu";
    const problems = problemsOf(build("staging", config));
    expect(problems.map((p) => p.where).sort()).toEqual(["fleet:apps.euterpe.formation.web.size", "fleet:herokuRegion", "fleet:herokuRegon"]);
  });
});

describe("process limits from the spec", () => {
  it("never scales a single-session worker past one dyno", () => {
    const config = editJson<Apps>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["zoomer-bot"] = { ...apps["zoomer-bot"], formation: { worker: { quantity: 2 } } };
    });
    const p = onlyProblem(config, "production");
    expect(p).toEqual({
      where: "fleet:apps.zoomer-bot.formation.worker.quantity",
      what: "is 2, but zoomer-bot runs at most 1 worker dyno",
      fix: "pulumi config set --path 'fleet:apps.zoomer-bot.formation.worker.quantity' 1 --stack production",
    });
  });
});

describe("apps left out of a stack", () => {
  it("reports a derived value that needs an app the stack leaves out, with both fixes", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["threads-api"] = { enabled: false };
    });
    const problems = problemsOf(build("staging", config));
    expect(problems.map((p) => p.where).sort()).toEqual(["threads-web NEXT_PUBLIC_API_BASE_URL"]);
    expect(problems[0]!.what).toBe("cannot be derived: threads-web refers to the URL of 'threads-api', which is not in stack staging");
    expect(problems[0]!.fix).toContain("pulumi config set --path 'fleet:apps.threads-web.config.NEXT_PUBLIC_API_BASE_URL' <value> --stack staging");
  });

  it("accepts the stack once the value is given outright", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["threads-api"] = { enabled: false };
      apps["threads-web"] = { config: { NEXT_PUBLIC_API_BASE_URL: "https://api.example.org" } };
    });
    const result = build("staging", config);
    expect(result.ok ? result.model.apps.map((a) => a.name) : result.problems).not.toContain("threads-api");
    expect(result.ok).toBe(true);
  });
});

describe("values fleet writes, parsed with the app's own env schema", () => {
  const threadsWeb = APP_SPECS.find((s) => s.name === "threads-web")!;
  const euterpe = APP_SPECS.find((s) => s.name === "euterpe")!;
  const withSpec = (changed: AppSpec): AppSpec[] => APP_SPECS.map((s) => (s.name === changed.name ? changed : s));

  it("a new stack name runs its apps with APP_ENV set to the tier, which every app accepts", () => {
    const result = build("qa", staging());
    if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
    for (const app of result.model.apps) {
      expect(app.vars.find((v) => v.name === "APP_ENV"), app.name).toMatchObject({ source: "fleet", value: "staging", origin: "the stack's tier" });
    }
  });

  it("a fleet-owned value the app would refuse names the app, the variable and the reason", () => {
    const strict = { ...threadsWeb, env: { shape: { ...threadsWeb.env.shape, APP_ENV: z.enum(["production", "development"]) } } };
    const config = staging();
    const result = buildEnvironment({ stack: "staging", specs: withSpec(strict), raw: { values: config.values, secretKeys: new Set(config.secretKeys) } });
    expect(problemsOf(result)).toEqual([
      {
        where: "threads-web APP_ENV",
        what: 'would be "staging" (the stack\'s tier is staging), which threads-web\'s env schema rejects (Invalid option: expected one of "production"|"development"): the app would fail its first boot after `pulumi up`',
        fix: "apps/threads-web/src/env.ts must accept the tiers fleet sets (staging, production)",
      },
    ]);
  });

  it("a derived value the app would refuse, from the spec", () => {
    const wrong = { ...threadsWeb, config: { ...threadsWeb.config, SITE_URL: (c: AppContext) => c.hostname ?? "" } };
    const config = staging();
    const result = buildEnvironment({ stack: "staging", specs: withSpec(wrong as AppSpec), raw: { values: config.values, secretKeys: new Set(config.secretKeys) } });
    const problems = problemsOf(result);
    expect(problems.map((p) => p.where)).toEqual(["threads-web SITE_URL"]);
    expect(problems[0]!.what).toBe(
      'would be "app-staging.fleet-apps.dev" (derived in apps/threads-web/deploy.ts), which threads-web\'s env schema rejects (must be a URL starting with https:// or http://): the app would fail its first boot after `pulumi up`',
    );
  });

  it("a generated secret shorter than the app accepts is checked by its shape", () => {
    const short = { ...euterpe, generatedSecrets: { ...euterpe.generatedSecrets, SECRET_KEY: { ...euterpe.generatedSecrets!.SECRET_KEY!, bytes: 8 } } };
    const config = staging();
    const result = buildEnvironment({ stack: "staging", specs: withSpec(short as AppSpec), raw: { values: config.values, secretKeys: new Set(config.secretKeys) } });
    const problems = problemsOf(result);
    expect(problems.map((p) => p.where)).toEqual(["euterpe SECRET_KEY"]);
    expect(problems[0]!.what).toMatch(/^fleet generates it as hex of 8 bytes, which euterpe's env schema rejects: must be at least 32 hexadecimal characters/);
    expect(problems[0]!.fix).toBe("make generatedSecrets.SECRET_KEY in apps/euterpe/deploy.ts match what apps/euterpe/src/env.ts accepts");
  });

  it("checks rotated key lists and previous generations too, and accepts the apps as they are", () => {
    const config = editJson<Apps>(completeConfig("production"), "fleet:apps", (apps) => {
      apps["euterpe"] = { ...apps["euterpe"], rotate: { SECRET_KEY: 4, ENCRYPTION_KEY: 3 } };
      apps["threads-api"] = { ...apps["threads-api"], rotate: { JWT_ACCESS_SECRET: 2, TOKEN_ENCRYPTION_KEYS: 2 } };
    });
    expect(build("production", config).ok).toBe(true);
  });
});

describe("a secure value inside fleet:apps", () => {
  function withSecureSiteUrl(): TestConfig {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["threads-web"] = { config: { SITE_URL: "https://app-staging.fleet-apps.dev" } };
    });
    // `pulumi config set --secret --path …` marks the whole top-level key secret.
    config.secretKeys.push("fleet:apps");
    return config;
  }

  it("stays secret in the model, so neither the plan nor the state shows it", () => {
    const result = build("staging", withSecureSiteUrl());
    if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
    const site = result.model.apps.find((a) => a.name === "threads-web")!.vars.find((v) => v.name === "SITE_URL")!;
    expect(site).toMatchObject({ source: "plain", secret: true, setting: "fleet:apps.threads-web.config.SITE_URL" });
  });

  it("is still checked with the app's schema, and never repeated in the message", () => {
    const config = editJson<Apps>(withSecureSiteUrl(), "fleet:apps", (apps) => {
      apps["threads-web"] = { config: { SITE_URL: "not a url at all" } };
    });
    const problems = problemsOf(build("staging", config));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toBe("fleet:apps.threads-web.config.SITE_URL");
    expect(problems[0]!.what).toMatch(/^is a secret value, which threads-web's env schema rejects/);
    expect(JSON.stringify(problems)).not.toContain("not a url at all");
    expect(problems[0]!.fix).toBe("pulumi config set --secret --path 'fleet:apps.threads-web.config.SITE_URL' <a value threads-web accepts> --stack staging");
  });

  it("a wrong type under a secret key is described without its value", () => {
    const config = editJson<Apps>(withSecureSiteUrl(), "fleet:apps", (apps) => {
      apps["threads-web"] = { config: { SITE_URL: 12345 } };
    });
    const problems = problemsOf(build("staging", config));
    expect(problems.map((p) => p.what)).toEqual(["is a secret value (not shown); expected text (YAML read it as a number or boolean: put it in quotes)"]);
    expect(problems.map((p) => p.fix)).toEqual(['quote it in Pulumi.staging.yaml: SITE_URL: "<value>"']);
  });
});

describe("one mistake, one problem", () => {
  it("a broken database entry does not make every app that uses it a problem too", () => {
    const config = editJson<Record<string, Record<string, unknown>>>(staging(), "fleet:databases", (dbs) => {
      dbs["shared"] = { owner: "steam-reviews" };
    });
    expect(problemsOf(build("staging", config)).map((p) => p.where)).toEqual(["fleet:databases.shared.plan"]);
  });

  it("a wrong type inside an app's settings leaves the rest of its settings checked", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["steam-reviews"] = { ...apps["steam-reviews"], formation: { web: { quantity: "2" } } };
      apps["euterpe"] = { domain: "reviews-staging.fleet-apps.dev" };
    });
    expect(problemsOf(build("staging", config)).map((p) => p.where).sort()).toEqual(["fleet:apps.euterpe.domain", "fleet:apps.steam-reviews.formation.web.quantity"]);
  });

  it("a credential in a disabled app's settings is still refused", () => {
    const config = editJson<Apps>(staging(), "fleet:apps", (apps) => {
      apps["threads-web"] = { enabled: false, config: { SITE_URL: "https://deploy:s3cr3t-pass@app.example.org" } };
      apps["threads-api"] = { ...apps["threads-api"], config: { CORS_ALLOWED_ORIGINS: "https://app.example.org", WEB_APP_URL: "https://app.example.org" } };
    });
    const problems = problemsOf(build("staging", config));
    expect(problems.map((p) => [p.where, p.what])).toEqual([
      ["fleet:apps.threads-web.config.SITE_URL", "looks like a credential (a URL with a password in it) stored in plaintext in Pulumi.staging.yaml"],
    ]);
    expect(JSON.stringify(problems)).not.toContain("s3cr3t-pass");
  });
});
