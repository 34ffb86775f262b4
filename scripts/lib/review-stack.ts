/**
 * The settings of a pull request's review stack (`pr-<n>`), generated from
 * the staging stack file, never committed:
 * - the staging tier (APP_ENV=staging) and staging's owner, team and region;
 * - its own Heroku app names (`<prefix>-<app>-pr-<n>`, at most 30 characters,
 *   from components/naming.ts), hence its own add-on names;
 * - the cheapest plans that fit: dynos at the tier's default (basic × 1,
 *   quantities of 0 kept), Redis mini, each Postgres the cheapest plan whose
 *   connection budget fits;
 * - every database and Redis billed to one of its own apps: an attached or
 *   external database of staging becomes an empty add-on, so no data — and
 *   never production's — reaches a review stack;
 * - no Cloudflare zone: apps answer on their own herokuapp.com hostnames,
 *   the shared zone's records and zone-wide settings are never touched, and
 *   admin paths stay closed (the apps answer 403 without Cloudflare Access);
 * - no secret: provided secrets are set by the review workflow from its own
 *   secret (REVIEW_STACK_SECRETS), generated ones are generated per stack,
 *   and no log drain or database URL is copied.
 */
import { KNOWN_POSTGRES_PLANS, postgresPlan } from "../../components/plans";
import { fitName, HEROKU_APP_NAME_MAX } from "../../components/naming";
import type { EnvironmentModel } from "../../stacks/environment-model";

export const REVIEW_PREFIX = "pr-";
export const MAX_PR = 999_999;

export function reviewStackName(pr: number): string {
  return `${REVIEW_PREFIX}${pr}`;
}

/** Heroku app name of an app in a review stack, from the naming module's budget. */
export function reviewHerokuName(prefix: string, app: string, pr: number): string {
  return fitName([prefix, app, reviewStackName(pr)], HEROKU_APP_NAME_MAX);
}

/** Postgres plans from the cheapest up. */
export const POSTGRES_BY_PRICE: readonly string[] = [...KNOWN_POSTGRES_PLANS].sort((a, b) => postgresPlan(a)!.monthlyUsd - postgresPlan(b)!.monthlyUsd);
export const CHEAPEST_REDIS = "mini";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keys of the staging file a review stack takes as they are. */
const KEPT = ["fleet:tier", "fleet:appPrefix", "fleet:herokuTeam", "fleet:herokuRegion"];

export class ReviewStackError extends Error {
  override name = "ReviewStackError";
}

export interface ReviewInput {
  readonly pr: number;
  /** The `config` map of Pulumi.staging.yaml, as parsed YAML. */
  readonly staging: Json;
  /** Apps of the fleet by name (to find a shared store's users). */
  readonly appNames: readonly string[];
  /** Postgres plan per database name, chosen by the caller (cheapest first); missing: the cheapest. */
  readonly postgresPlans?: Readonly<Record<string, string>>;
}

/** The `config` map of `Pulumi.pr-<n>.yaml`. */
export function reviewConfig(input: ReviewInput): Json {
  const { pr, staging } = input;
  if (!Number.isInteger(pr) || pr < 1 || pr > MAX_PR) throw new ReviewStackError(`--pr ${pr} is not a pull request number (1 to ${MAX_PR})`);
  if (staging["fleet:tier"] !== "staging") throw new ReviewStackError(`Pulumi.staging.yaml has fleet:tier ${String(staging["fleet:tier"])}: a review stack is built from a staging-tier stack`);
  const prefix = staging["fleet:appPrefix"];
  if (typeof prefix !== "string" || prefix === "") throw new ReviewStackError("Pulumi.staging.yaml has no fleet:appPrefix to name the review apps after");

  const config: Json = {};
  for (const key of KEPT) if (staging[key] !== undefined) config[key] = staging[key];

  const stagingApps = isObject(staging["fleet:apps"]) ? staging["fleet:apps"] : {};
  const apps: Json = {};
  for (const name of input.appNames) {
    const from = isObject(stagingApps[name]) ? stagingApps[name] : {};
    const app: Json = { herokuName: reviewHerokuName(prefix, name, pr) };
    for (const key of ["enabled", "database", "redis", "config"]) if (from[key] !== undefined) app[key] = from[key];
    // Only a quantity of zero survives: anything else falls back to the tier's cheapest default.
    if (isObject(from["formation"])) {
      const stopped = Object.entries(from["formation"]).filter(([, f]) => isObject(f) && f["quantity"] === 0);
      if (stopped.length > 0) app["formation"] = Object.fromEntries(stopped.map(([type]) => [type, { quantity: 0 }]));
    }
    apps[name] = app;
  }
  config["fleet:apps"] = apps;

  const usersOf = (key: "database" | "redis", store: string): string[] =>
    input.appNames.filter((name) => {
      const app = apps[name] as Json;
      return app[key] === store && app["enabled"] !== false;
    });
  if (isObject(staging["fleet:databases"])) {
    const databases: Json = {};
    for (const [name, db] of Object.entries(staging["fleet:databases"])) {
      const owner = isObject(db) && typeof db["owner"] === "string" && usersOf("database", name).includes(db["owner"]) ? db["owner"] : usersOf("database", name)[0];
      if (owner === undefined) continue;
      databases[name] = { plan: input.postgresPlans?.[name] ?? POSTGRES_BY_PRICE[0], owner };
    }
    config["fleet:databases"] = databases;
  }
  if (isObject(staging["fleet:redis"])) {
    const redis: Json = {};
    for (const [name, store] of Object.entries(staging["fleet:redis"])) {
      const owner = isObject(store) && typeof store["owner"] === "string" && usersOf("redis", name).includes(store["owner"]) ? store["owner"] : usersOf("redis", name)[0];
      if (owner === undefined) continue;
      redis[name] = { plan: CHEAPEST_REDIS, owner };
    }
    config["fleet:redis"] = redis;
  }
  return config;
}

/** What a review stack shares with another stack: it must be nothing. */
export function sharedWith(review: EnvironmentModel, other: EnvironmentModel): string[] {
  const shared: string[] = [];
  const otherNames = new Set(other.apps.map((a) => a.herokuName));
  const otherHosts = new Set(other.apps.flatMap((a) => a.domain ?? []));
  for (const app of review.apps) {
    if (otherNames.has(app.herokuName)) shared.push(`Heroku app ${app.herokuName} (${app.name}) is also in stack ${other.stack}`);
    if (app.domain && otherHosts.has(app.domain)) shared.push(`hostname ${app.domain} (${app.name}) is also in stack ${other.stack}`);
    if (app.adopt) shared.push(`${app.name} adopts an existing Heroku app`);
  }
  for (const db of review.databases) {
    if (db.kind !== "addon") shared.push(`database ${db.name} is ${db.kind === "attach" ? `attached from ${db.attach?.app}` : "external"}, not an add-on of its own`);
  }
  if (review.cloudflare) shared.push(`the Cloudflare zone ${review.cloudflare.zone}, whose settings apply to every stack in it`);
  return shared;
}

/** The pull-request comment with each app's URL, from `pulumi stack output apps --json`. */
export function reviewComment(pr: number, apps: Readonly<Record<string, { herokuName?: unknown; webUrl?: unknown; customUrl?: unknown }>>): string {
  const rows = Object.entries(apps)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([app, o]) => {
      const url = typeof o.customUrl === "string" && o.customUrl ? o.customUrl : typeof o.webUrl === "string" ? o.webUrl : "";
      return `| ${app} | \`${typeof o.herokuName === "string" ? o.herokuName : "?"}\` | ${url || "(no URL yet)"} |`;
    });
  return [
    `<!-- fleet-review-stack pr=${pr} -->`,
    `### Review stack \`${reviewStackName(pr)}\``,
    "",
    "| app | Heroku app | URL |",
    "|---|---|---|",
    ...rows,
    "",
    "Staging settings on the cheapest plans, with empty databases of its own. Updated on every push; destroyed, with its state, when this pull request closes.",
    "",
  ].join("\n");
}
