/**
 * Mistakes an operator makes in `Pulumi.<stack>.yaml`, each run through
 * `npm run plan`'s own code (scripts/lib/plan-command.ts, in-process): the
 * exit status, every problem with its config path, what was given and what is
 * expected, and a fix that can be followed and destroys nothing. Stack files
 * are written as YAML next to a copy of Pulumi.yaml, as an operator edits them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { runPlan } from "../../scripts/lib/plan-command";
import type { Plan, RejectedPlan } from "../../scripts/lib/plan-report";
import { loadProgram } from "../harness/program";
import { ROOT } from "../stacks/fixtures";

type Yaml = Record<string, unknown>;
type Apps = Record<string, Record<string, unknown>>;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-plan-config-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The `config:` map of a committed stack file, to change one thing at a time. */
function committed(stack: "staging" | "production"): Yaml {
  return (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Yaml }).config;
}

function apps(config: Yaml): Apps {
  return (config["fleet:apps"] ??= {}) as Apps;
}

function writeStack(name: string, config: Yaml): void {
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
}

async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runPlan(args, {
    stdout: async (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    loadProgram,
  });
  return { code, stdout, stderr };
}

/** Plans a stack that must be refused; returns the one JSON object `--json` prints. */
async function refused(name: string, config: Yaml, ...extra: string[]): Promise<RejectedPlan> {
  writeStack(name, config);
  const run = await plan("--stack", name, "--dir", dir, "--json", ...extra);
  expect(run.stderr).toBe("");
  expect(run.code, run.stdout).toBe(1);
  const rejected = JSON.parse(run.stdout) as RejectedPlan;
  expect(rejected).toMatchObject({ version: 1, ok: false, stack: name });
  return rejected;
}

async function onlyProblem(name: string, config: Yaml, ...extra: string[]): Promise<RejectedPlan["problems"][number]> {
  const { problems } = await refused(name, config, ...extra);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

describe("accepted although harmful, now refused", () => {
  it("two apps on one hostname", async () => {
    const config = committed("staging");
    apps(config)["threads-web"] = { domain: "api-staging.fleet-apps.dev" };
    expect(await onlyProblem("hosts", config)).toEqual({
      where: "fleet:apps.threads-web.domain",
      what: "'api-staging.fleet-apps.dev' is already threads-api's hostname: two apps cannot answer on one name (two Heroku domains and two DNS records would claim it, and the app's own URLs would point at the other app)",
      fix: "pulumi config set --path 'fleet:apps.threads-web.domain' <another-name>.fleet-apps.dev --stack hosts, or false for none",
    });
  });

  it("two apps on one hostname: the app whose setting claims another's default name is the one to change", async () => {
    const config = committed("staging");
    apps(config)["threads-api"] = { ...apps(config)["threads-api"], domain: "app-staging.fleet-apps.dev" };
    const p = await onlyProblem("hosts2", config);
    expect(p.where).toBe("fleet:apps.threads-api.domain");
    expect(p.what).toContain("is already threads-web's hostname");
  });

  it("a plain value the app's own env schema refuses", async () => {
    const config = committed("staging");
    apps(config)["threads-web"] = { config: { NEXT_TELEMETRY_DISABLED: "true" } };
    expect(await onlyProblem("telemetry", config)).toEqual({
      where: "fleet:apps.threads-web.config.NEXT_TELEMETRY_DISABLED",
      what: 'is "true", which threads-web\'s env schema rejects (Invalid option: expected one of "0"|"1"): the app would fail its first boot after `pulumi up`',
      fix: "pulumi config set --path 'fleet:apps.threads-web.config.NEXT_TELEMETRY_DISABLED' <a value threads-web accepts> --stack telemetry",
    });
  });

  it("an override of a derived value the app would refuse", async () => {
    const config = committed("production");
    apps(config)["euterpe"] = { ...apps(config)["euterpe"], config: { SPOTIFY_REDIRECT_URI: "https://euterpe.fleet-apps.dev/auth" } };
    const p = await onlyProblem("redirect", config);
    expect(p.where).toBe("fleet:apps.euterpe.config.SPOTIFY_REDIRECT_URI");
    expect(p.what).toContain("must end in /callback, the app's OAuth callback route");
  });

  it("an unknown Redis plan, dedicated or shared", async () => {
    const production = committed("production");
    apps(production)["threads-api"] = { ...apps(production)["threads-api"], plans: { redis: "premium-4" } };
    expect(await onlyProblem("redis-plan", production)).toEqual({
      where: "fleet:apps.threads-api.plans.redis",
      what: "'premium-4' is not a Heroku Key-Value Store plan fleet knows",
      fix: "use one of mini, premium-0, premium-1, premium-2, premium-3, premium-5, or add it to components/plans.ts",
    });
    const staging = committed("staging");
    (staging["fleet:redis"] as Record<string, Record<string, unknown>>)["shared"]!["plan"] = "premium-4";
    expect((await onlyProblem("redis-plan2", staging)).where).toBe("fleet:redis.shared.plan");
  });

  it("overrides of variables Heroku, an add-on or fleet owns, each naming the owner", async () => {
    const config = committed("staging");
    apps(config)["steam-reviews"] = {
      ...apps(config)["steam-reviews"],
      config: { DATABASE_URL: "postgres://db.example.net/x", PORT: "8080", APP_ENV: "qa", PG_POOL_MAX: "50" },
    };
    const { problems } = await refused("owned", config);
    const byWhere = Object.fromEntries(problems.map((p) => [p.where, p]));
    expect(Object.keys(byWhere).sort()).toEqual([
      "fleet:apps.steam-reviews.config.APP_ENV",
      "fleet:apps.steam-reviews.config.DATABASE_URL",
      "fleet:apps.steam-reviews.config.PG_POOL_MAX",
      "fleet:apps.steam-reviews.config.PORT",
    ]);
    expect(byWhere["fleet:apps.steam-reviews.config.PORT"]).toEqual({
      where: "fleet:apps.steam-reviews.config.PORT",
      what: "cannot be set here: Heroku sets it on every dyno, so this value would be ignored",
      fix: "pulumi config rm --path 'fleet:apps.steam-reviews.config.PORT' --stack owned; Heroku's value always wins",
    });
    expect(byWhere["fleet:apps.steam-reviews.config.DATABASE_URL"]!.what).toBe("cannot be set here: the database fleet attaches sets it, so this value would be ignored");
    expect(byWhere["fleet:apps.steam-reviews.config.APP_ENV"]!.what).toBe("cannot be set here: fleet sets it to the stack's tier (fleet:tier), so this value would be ignored");
    expect(byWhere["fleet:apps.steam-reviews.config.PG_POOL_MAX"]!.what).toBe("cannot be set here: fleet sets it from the database's connection budget, so this value would be ignored");
  });

  it("a provided secret given as plain config: who owns it, and how to store it encrypted", async () => {
    const config = committed("staging");
    apps(config)["steam-reviews"] = { ...apps(config)["steam-reviews"], config: { OPENAI_API_KEY: "not-a-real-key" } };
    expect(await onlyProblem("plain-secret", config)).toEqual({
      where: "fleet:apps.steam-reviews.config.OPENAI_API_KEY",
      what: "cannot be set here: it is a secret the operator provides as steam-reviews:OPENAI_API_KEY, so this value would be ignored",
      fix: "pulumi config rm --path 'fleet:apps.steam-reviews.config.OPENAI_API_KEY' --stack plain-secret; store it encrypted: pulumi config set --secret steam-reviews:OPENAI_API_KEY <value> --stack plain-secret; rotate it at its issuer if the file was ever shared",
    });
  });

  it("a credential in plain text anywhere in the file, never repeated", async () => {
    const key = "sk-proj-Zx81QmT0aBcDeFgHiJkLmNoPq";
    const config = committed("staging");
    apps(config)["steam-reviews"] = { ...apps(config)["steam-reviews"], config: { OPENAI_API_KEY: key } };
    config["fleet:accessTeamDomain"] = "https://ops:hunter22@fleet-apps.cloudflareaccess.com";
    config["cloudflare:apiToken"] = "plain-cloudflare-token";
    writeStack("leaky", config);
    const run = await plan("--stack", "leaky", "--dir", dir, "--json");
    expect(run.code).toBe(1);
    for (const secret of [key, "hunter22", "plain-cloudflare-token"]) expect(run.stdout).not.toContain(secret);
    const problems = (JSON.parse(run.stdout) as RejectedPlan).problems;
    expect(problems.map((p) => [p.where, p.what]).sort()).toEqual([
      ["cloudflare:apiToken", "is a provider credential stored in plaintext"],
      ["fleet:accessTeamDomain", "looks like a credential (a URL with a password in it) stored in plaintext in Pulumi.leaky.yaml"],
      [
        "fleet:apps.steam-reviews.config.OPENAI_API_KEY",
        "cannot be set here: it is a secret the operator provides as steam-reviews:OPENAI_API_KEY, so this value would be ignored; it also looks like a credential (an API key (sk-…)) stored in plaintext",
      ],
    ]);
    expect(problems.find((p) => p.where === "cloudflare:apiToken")!.fix).toBe(
      "pulumi config set --secret cloudflare:apiToken <value> --stack leaky; rotate it at its issuer if the file was ever shared",
    );
    // The same file as text: the same problems, no secret either.
    const text = await plan("--stack", "leaky", "--dir", dir);
    expect(text.code).toBe(1);
    for (const secret of [key, "hunter22", "plain-cloudflare-token"]) expect(text.stderr).not.toContain(secret);
  });

  it("a credential in plain text under a name fleet does not know: refused as a credential too, never repeated", async () => {
    const token = "ghp_Zx81QmT0aBcDeFgHiJkLmNoPqRsTuV";
    const url = "postgres://app:pa55word-Zx81@db.example.net/app";
    const config = committed("staging");
    apps(config)["threads-web"] = { config: { GITHUB_TOKEN: token } };
    apps(config)["steam-reviews"] = { ...apps(config)["steam-reviews"], config: { DATABASE_URL: url } };
    config["fleet:githubToken"] = token;
    config["github:token"] = token;
    writeStack("stray", config);
    const run = await plan("--stack", "stray", "--dir", dir, "--json");
    expect(run.code).toBe(1);
    for (const secret of [token, "pa55word-Zx81"]) expect(run.stdout).not.toContain(secret);
    const problems = (JSON.parse(run.stdout) as RejectedPlan).problems;
    const byWhere = Object.fromEntries(problems.map((p) => [p.where, p]));
    expect(Object.keys(byWhere).sort()).toEqual([
      "fleet:apps.steam-reviews.config.DATABASE_URL",
      "fleet:apps.threads-web.config.GITHUB_TOKEN",
      "fleet:githubToken",
      "github:token",
    ]);
    expect(byWhere["fleet:apps.threads-web.config.GITHUB_TOKEN"]).toEqual({
      where: "fleet:apps.threads-web.config.GITHUB_TOKEN",
      what: "is not a variable threads-web reads; it also looks like a credential (a GitHub token) stored in plaintext",
      fix: "remove it from Pulumi.stray.yaml; rotate it at its issuer if the file was ever shared",
    });
    expect(byWhere["fleet:apps.steam-reviews.config.DATABASE_URL"]).toEqual({
      where: "fleet:apps.steam-reviews.config.DATABASE_URL",
      what: "cannot be set here: the database fleet attaches sets it, so this value would be ignored; it also looks like a credential (a URL with a password in it) stored in plaintext",
      fix: "pulumi config rm --path 'fleet:apps.steam-reviews.config.DATABASE_URL' --stack stray; choose the database with fleet:apps.steam-reviews.database and fleet:databases; rotate it at its issuer if the file was ever shared",
    });
    expect(byWhere["fleet:githubToken"]!.what).toBe("is not a fleet setting; it also looks like a credential (a GitHub token) stored in plaintext");
    expect(byWhere["fleet:githubToken"]!.fix).toMatch(/^remove it from Pulumi\.stray\.yaml; rotate it at its issuer if the file was ever shared; fleet reads /);
    expect(byWhere["github:token"]).toEqual({
      where: "github:token",
      what: "is in namespace 'github', which is neither fleet, a provider nor an app; it also looks like a credential (a GitHub token) stored in plaintext",
      fix: "pulumi config rm github:token --stack stray; rotate it at its issuer if the file was ever shared",
    });
  });

  it("a production-named stack on the staging tier", async () => {
    const config = committed("production");
    config["fleet:tier"] = "staging";
    expect(await onlyProblem("production", config)).toEqual({
      where: "fleet:tier",
      what: "is staging in stack 'production': production would lose its protection (apps and data stores could be deleted), its daily backups and its sizes, and its apps would run with APP_ENV=staging",
      fix: "pulumi config set fleet:tier production --stack production; for a cheap copy of production, make a stack with another name",
    });
    expect((await onlyProblem("prod-eu", config)).where).toBe("fleet:tier");
  });

  it("a shared database whose owner is disabled: the fix keeps the owner, never moves the add-on", async () => {
    const config = committed("staging");
    apps(config)["steam-reviews"] = { ...apps(config)["steam-reviews"], enabled: false };
    const p = await onlyProblem("owner-off", config);
    expect(p.where).toBe("fleet:databases.shared.owner");
    expect(p.what).toBe(
      "'steam-reviews' bills this database's add-on but is disabled in stack owner-off: removing its Heroku app would delete the add-on with every schema and row in it",
    );
    expect(p.fix).toBe(
      "keep steam-reviews in the stack: pulumi config rm --path 'fleet:apps.steam-reviews.enabled' --stack owner-off, and scale it to nothing with fleet:apps.steam-reviews.formation.<process>.quantity: 0 if it should not run; to bill the database to another app, see README, \"Moving a database to another owner\"",
    );
    expect(p.fix).not.toContain("databases.shared.owner");
  });

  it("an owner that no longer uses its database: point it back rather than move the add-on", async () => {
    const config = committed("staging");
    apps(config)["steam-reviews"] = { database: "dedicated" };
    const p = await onlyProblem("owner-moved", config);
    expect(p.where).toBe("fleet:databases.shared.owner");
    expect(p.fix).toBe(
      "if the database exists, point steam-reviews back at it: pulumi config set --path 'fleet:apps.steam-reviews.database' shared --stack owner-moved; only a database not created yet may take another owner (README, \"Moving a database to another owner\")",
    );
  });

  it("a Heroku team name that is not one, and eco dynos in a team", async () => {
    const config = committed("staging");
    config["fleet:herokuTeam"] = "Acme Inc";
    const p = await onlyProblem("team", config);
    expect(p).toEqual({
      where: "fleet:herokuTeam",
      what: 'is not a Heroku Team name (lowercase letters, digits and dashes, as in dashboard.heroku.com/teams/<name>) (given "Acme Inc" (text))',
      fix: "pulumi config set fleet:herokuTeam <value> --stack team",
    });
    config["fleet:herokuTeam"] = "acme";
    apps(config)["euterpe"] = { formation: { web: { size: "eco" } } };
    expect(await onlyProblem("team-eco", config)).toEqual({
      where: "fleet:apps.euterpe.formation.web.size",
      what: "is eco, which Heroku Teams cannot run (the apps belong to team acme)",
      fix: "pulumi config set --path 'fleet:apps.euterpe.formation.web.size' basic --stack team-eco",
    });
  });

  it("a database URL for a database that does not exist or is not external", async () => {
    const config = committed("production");
    config["fleet:databaseUrls"] = { supabase: { secure: "v1:c3VwYWJhc2U=" }, supabsae: { secure: "v1:dHlwbw==" }, hermes: { secure: "v1:aGVybWVz" } };
    const { problems } = await refused("urls", config);
    expect(problems).toEqual([
      {
        where: "fleet:databaseUrls.supabsae",
        what: "names no database of fleet:databases (external ones: supabase), so it would be ignored",
        fix: "pulumi config rm --path 'fleet:databaseUrls.supabsae' --stack urls",
      },
      {
        where: "fleet:databaseUrls.hermes",
        what: "is set, but fleet:databases.hermes is not external: Heroku gives its URL, and this one would be ignored",
        fix: "pulumi config rm --path 'fleet:databaseUrls.hermes' --stack urls",
      },
    ]);
  });
});

describe("changes against the last deployment (--outputs)", () => {
  /** What `pulumi stack output --json` printed after the last `pulumi up` of production. */
  function lastOutputs(edit: (record: Record<string, unknown>) => void): string {
    const record = {
      version: 1,
      heroku: { region: "eu", team: null },
      generations: { euterpe: { SECRET_KEY: 3, ENCRYPTION_KEY: 1 } },
      databases: { "steam-reviews-db": { kind: "addon", owner: "steam-reviews", plan: "standard-0" }, shared: { kind: "addon", owner: "steam-reviews", plan: "essential-2" } },
      redis: {},
    };
    edit(record);
    const file = path.join(dir, `outputs-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ apps: {}, fleet: record }));
    return file;
  }

  it("refuses a generation lower than the live one, with the fix", async () => {
    const config = committed("production");
    apps(config)["euterpe"] = { ...apps(config)["euterpe"], rotate: { SECRET_KEY: 2 } };
    expect(await onlyProblem("production", config, "--outputs", lastOutputs(() => {}))).toEqual({
      where: "fleet:apps.euterpe.rotate.SECRET_KEY",
      what: "is generation 2, but generation 3 is live (the last `pulumi up` applied it): going back would replace the key in use with a new random one and drop it — sessions signed out, data encrypted under it unreadable",
      fix: "pulumi config set --path 'fleet:apps.euterpe.rotate.SECRET_KEY' 3 --stack production to keep the live key, or 4 to rotate again; a generation never goes down",
    });
  });

  it("refuses a rotation entry removed after it was raised (back to generation 1)", async () => {
    const p = await onlyProblem("production", committed("production"), "--outputs", lastOutputs(() => {}));
    expect(p.where).toBe("fleet:apps.euterpe.rotate.SECRET_KEY");
    expect(p.what).toMatch(/^is generation 1, but generation 3 is live/);
  });

  it("refuses billing a shared database to another app", async () => {
    const config = committed("staging");
    (config["fleet:databases"] as Record<string, Record<string, unknown>>)["shared"]!["owner"] = "shop-sentiment";
    const p = await onlyProblem("staging", config, "--outputs", lastOutputs((r) => void (r["generations"] = {})));
    expect(p).toEqual({
      where: "fleet:databases.shared.owner",
      what: "is shop-sentiment, but the database's add-on is billed to steam-reviews: Heroku cannot move an add-on to another app, so fleet would delete it with every schema in it and create an empty one",
      fix: "pulumi config set --path 'fleet:databases.shared.owner' steam-reviews --stack staging; to bill the data to another app, see README, \"Moving a database to another owner\"",
    });
  });

  it("refuses a Postgres plan across families, which replaces the add-on", async () => {
    const config = committed("staging");
    (config["fleet:databases"] as Record<string, Record<string, unknown>>)["shared"]!["plan"] = "standard-0";
    const p = await onlyProblem("staging", config, "--outputs", lastOutputs((r) => void (r["generations"] = {})));
    expect(p.where).toBe("fleet:databases.shared.plan");
    expect(p.what).toBe(
      "moves from essential-2 to standard-0: between Essential and Standard-or-higher plans the owner's attachment of the add-on changes, which replaces the add-on — an empty database",
    );
  });

  it("accepts the same stack with the live generations, and says what it checked", async () => {
    const config = committed("production");
    apps(config)["euterpe"] = { ...apps(config)["euterpe"], rotate: { SECRET_KEY: 3 } };
    writeStack("production", config);
    const run = await plan("--stack", "production", "--dir", dir, "--json", "--outputs", lastOutputs(() => {}));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const accepted = JSON.parse(run.stdout) as Plan;
    expect(accepted.notChecked).toEqual([]);
  }, 120_000);

  it("an unreadable outputs file is a bad argument", async () => {
    writeStack("production", committed("production"));
    const missing = await plan("--stack", "production", "--dir", dir, "--outputs", path.join(dir, "none.json"));
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toBe(`plan: --outputs ${path.join(dir, "none.json")}: cannot read that file\n`);
  });
});

describe("messages", () => {
  it("schema and semantic problems in one run", async () => {
    const config = committed("staging");
    apps(config)["euterpe"] = { formation: { web: { quantity: 1.5 } } };
    apps(config)["threads-web"] = { domain: "api-staging.fleet-apps.dev" };
    config["fleet:herokuRegion"] = "asia";
    const { problems } = await refused("both", config);
    expect(problems.map((p) => p.where).sort()).toEqual(["fleet:apps.euterpe.formation.web.quantity", "fleet:apps.threads-web.domain", "fleet:herokuRegion"]);
  });

  it("says what was given and what is expected", async () => {
    const config = committed("staging");
    apps(config)["euterpe"] = { formation: { web: { quantity: "1" } }, rotate: { SECRET_KEY: "2" }, config: { SPOTIFY_SCOPE: 5 } };
    apps(config)["zoomer-bot"] = { ...apps(config)["zoomer-bot"], formation: { worker: { quantity: 1.5 } } };
    const { problems } = await refused("types", config);
    expect([...problems].sort((x, y) => x.where.localeCompare(y.where))).toEqual([
      {
        where: "fleet:apps.euterpe.config.SPOTIFY_SCOPE",
        what: "is 5 (a number); expected text (YAML read it as a number or boolean: put it in quotes)",
        fix: 'quote it in Pulumi.types.yaml: SPOTIFY_SCOPE: "5"',
      },
      {
        where: "fleet:apps.euterpe.formation.web.quantity",
        what: 'is "1" (text); expected a number (write it without quotes)',
        fix: "pulumi config set --path 'fleet:apps.euterpe.formation.web.quantity' 1 --stack types",
      },
      {
        where: "fleet:apps.euterpe.rotate.SECRET_KEY",
        what: 'is "2" (text); expected a number (write it without quotes)',
        fix: "pulumi config set --path 'fleet:apps.euterpe.rotate.SECRET_KEY' 2 --stack types",
      },
      {
        where: "fleet:apps.zoomer-bot.formation.worker.quantity",
        what: "is 1.5 (a number); expected a whole number",
        fix: "pulumi config set --path 'fleet:apps.zoomer-bot.formation.worker.quantity' <value> --stack types",
      },
    ]);
  });

  it("an empty app block and a missing tier", async () => {
    const config = committed("staging");
    apps(config)["euterpe"] = null as unknown as Record<string, unknown>;
    delete config["fleet:tier"];
    const { problems } = await refused("empty", config);
    expect(problems).toEqual([
      { where: "fleet:tier", what: "is missing; expected one of staging, production", fix: "pulumi config set fleet:tier staging --stack empty" },
      {
        where: "fleet:apps.euterpe",
        what: "is empty; expected a map of settings",
        fix: "give it settings, or remove the empty entry: pulumi config rm --path 'fleet:apps.euterpe' --stack empty",
      },
    ]);
  });

  it("a list written as text: one problem, with a fix that can be followed", async () => {
    const config = committed("staging");
    config["fleet:accessEmails"] = "ops@fleet-apps.dev";
    expect(await onlyProblem("emails", config)).toEqual({
      where: "fleet:accessEmails",
      what: 'is "ops@fleet-apps.dev" (text); expected a list (write it as a YAML list, one `- item` per line)',
      fix: "pulumi config rm fleet:accessEmails --stack emails; then pulumi config set --path 'fleet:accessEmails[0]' <item> --stack emails, one index per item",
    });
  });

  it("a map written as text", async () => {
    const config = committed("staging");
    config["fleet:redis"] = "shared";
    expect(await onlyProblem("redis-text", config)).toEqual({
      where: "fleet:redis",
      what: 'is "shared" (text); expected a map',
      fix: 'write fleet:redis in Pulumi.redis-text.yaml as a map (see README, "Stack settings")',
    });
  });

  it("a database with owner and attach: a fix that can be followed", async () => {
    const config = committed("staging");
    (config["fleet:databases"] as Record<string, Record<string, unknown>>)["shared"]!["attach"] = { app: "bookshelf-hermes", addon: "bookshelf-hermes-db" };
    const p = await onlyProblem("modes", config);
    expect(p.where).toBe("fleet:databases.shared");
    expect(p.fix).toBe(
      "keep the one that describes the database and remove the other: pulumi config rm --path 'fleet:databases.shared.owner' --stack modes, or pulumi config rm --path 'fleet:databases.shared.attach' --stack modes",
    );
  });

  it("counts problems apart from secrets not set", async () => {
    const config = committed("staging");
    config["fleet:herokuRegion"] = "asia";
    writeStack("count", config);
    const run = await plan("--stack", "count", "--dir", dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^stack 'count' has 1 problem and 12 secrets not set; nothing was registered:\n {2}1\. fleet:herokuRegion: is "asia" \(text\); expected one of us, eu\n/);
    expect(run.stderr).toContain("  secrets not set yet (they stop `pulumi up`, not the offline plan):\n");
    expect(run.stderr).toContain("  - euterpe SPOTIFY_CLIENT_ID: is required and not set");
    const json = await refused("count", config);
    expect(json.problems).toHaveLength(1);
    expect(json.missingSecrets).toHaveLength(12);
  });
});

describe("arguments", () => {
  it("a --dir that does not exist: exit 2, one line, no stack trace", async () => {
    const run = await plan("--stack", "staging", "--dir", path.join(dir, "nowhere"));
    expect(run).toEqual({ code: 2, stdout: "", stderr: `plan: --dir ${path.join(dir, "nowhere")}: no such folder\n` });
  });

  it("a --dir without Pulumi.yaml", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-empty-"));
    try {
      const run = await plan("--stack", "staging", "--dir", empty);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`plan: --dir ${empty}: no Pulumi.yaml there (it should be the folder of the fleet project)\n`);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("--stack without a file is a bad argument, also as JSON", async () => {
    const text = await plan("--stack", "qa", "--dir", dir);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^plan: there is no stack 'qa': no Pulumi\.qa\.yaml\. Stacks: .*\(a new stack needs its file: copy one, set fleet:tier, then `pulumi stack init qa`\)\n$/);
    const json = await plan("--stack", "qa", "--dir", dir, "--json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, ok: false, stack: "qa", problems: [], error: expect.stringContaining("there is no stack 'qa'") });
  });
});
