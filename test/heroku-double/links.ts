/**
 * Every link the double serves, with what its request may carry and what its
 * answer may show — the double's contract with the real API, kept small.
 *
 * Platform API rows follow the official JSON hyper-schema (heroku/heroku-go
 * `v5/schema.json`): each link's `schema` gives the request fields, their
 * types and the required ones; anything else is refused with 422
 * `invalid_params` naming the field, as the API does. Answers follow the
 * link's `targetSchema`, checked at compile time against the response types
 * of `@heroku-cli/schema` (which also know add-on `provision_message` and
 * log-drain `app`). Only field names, types and required keys are here, and
 * only for the links the double serves — not a copy of the schema.
 *
 * The data API (api.data.heroku.com) and the Scheduler back end publish no
 * schema: their request rows follow what the Heroku CLI (pg and redis
 * commands) and herokux (scheduler client) send; their answers are not checked.
 */
import type * as Heroku from "@heroku-cli/schema";
import { answerShape, type Shape } from "./http/answer-shape";
import { arrayOf, boolean, either, integer, mapOf, noBody, nullable, object, string, type Field } from "./http/request-shape";

export interface Link {
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** The double's route pattern (`:name` segments). */
  readonly path: string;
  /** What the body may carry (`noBody` when the link has no request schema). */
  readonly request: Field;
  /** What a 2xx answer may show; null when not checked (free-form maps, unpublished APIs). */
  readonly answer: Shape | null;
}

// ── Answers (targetSchema) ───────────────────────────────────────────────────

const ref = { id: true, name: true } as const;

const APP = answerShape<Heroku.App>({
  acm: true,
  archived_at: true,
  buildpack_provided_description: true,
  build_stack: ref,
  created_at: true,
  git_url: true,
  id: true,
  internal_routing: true,
  maintenance: true,
  name: true,
  owner: { email: true, id: true },
  organization: ref,
  team: ref,
  region: ref,
  released_at: true,
  repo_size: true,
  slug_size: true,
  space: { id: true, name: true, shield: true },
  stack: ref,
  updated_at: true,
  web_url: true,
});

const TEAM_APP = answerShape<Heroku.TeamApp>({
  archived_at: true,
  buildpack_provided_description: true,
  build_stack: ref,
  created_at: true,
  git_url: true,
  id: true,
  internal_routing: true,
  joined: true,
  locked: true,
  maintenance: true,
  name: true,
  owner: { email: true, id: true },
  region: ref,
  released_at: true,
  repo_size: true,
  slug_size: true,
  space: ref,
  stack: ref,
  team: { name: true },
  updated_at: true,
  web_url: true,
});

const ACCOUNT = answerShape<Heroku.Account>({ email: true, id: true, name: true, verified: true });
const RATE_LIMIT = answerShape<Heroku.RateLimit>({ remaining: true });

const FEATURE = answerShape<Heroku.AppFeature>({
  created_at: true,
  description: true,
  display_name: true,
  doc_url: true,
  enabled: true,
  feedback_email: true,
  id: true,
  name: true,
  state: true,
  updated_at: true,
});

const ADDON = answerShape<Heroku.AddOn>({
  actions: { id: true, label: true, action: true, url: true, requires_owner: true },
  addon_service: ref,
  app: ref,
  billed_price: { cents: true, contract: true, unit: true },
  billing_entity: { id: true, name: true, type: true },
  config_vars: true,
  created_at: true,
  id: true,
  name: true,
  plan: ref,
  provider_id: true,
  provision_message: true,
  state: true,
  updated_at: true,
  web_url: true,
});

const ATTACHMENT = answerShape<Heroku.AddOnAttachment>({
  addon: { id: true, name: true, app: ref },
  app: ref,
  created_at: true,
  id: true,
  log_input_url: true,
  name: true,
  namespace: true,
  updated_at: true,
  web_url: true,
});

const SOURCE = answerShape<Heroku.Source>({ source_blob: { get_url: true, put_url: true } });

const BUILD = answerShape<Heroku.Build>({
  app: { id: true },
  buildpacks: { url: true, name: true },
  created_at: true,
  id: true,
  output_stream_url: true,
  release: { id: true },
  slug: { id: true },
  source_blob: { checksum: true, url: true, version: true },
  stack: true,
  status: true,
  updated_at: true,
  user: { id: true, email: true },
});

const SLUG = answerShape<Heroku.Slug>({
  blob: { method: true, url: true },
  buildpack_provided_description: true,
  checksum: true,
  commit: true,
  commit_description: true,
  created_at: true,
  id: true,
  process_types: true,
  size: true,
  stack: ref,
  updated_at: true,
});

const RELEASE = answerShape<Heroku.Release>({
  addon_plan_names: true,
  app: ref,
  created_at: true,
  current: true,
  description: true,
  id: true,
  output_stream_url: true,
  slug: { id: true },
  status: true,
  updated_at: true,
  user: { id: true, email: true },
  version: true,
});

// The schema's formation has `size` only; the `dyno_size` object some answers carry is not in it.
const FORMATION = answerShape<Heroku.Formation>({
  app: ref,
  command: true,
  created_at: true,
  id: true,
  quantity: true,
  size: true,
  type: true,
  updated_at: true,
});

const DYNO = answerShape<Heroku.Dyno>({
  app: ref,
  attach_url: true,
  command: true,
  created_at: true,
  id: true,
  name: true,
  release: { id: true, version: true },
  size: true,
  state: true,
  type: true,
  updated_at: true,
});

const LOG_SESSION = answerShape<Heroku.LogSession>({ created_at: true, id: true, logplex_url: true, updated_at: true });

const DOMAIN = answerShape<Heroku.Domain>({
  acm_status: true,
  acm_status_reason: true,
  app: ref,
  cname: true,
  created_at: true,
  hostname: true,
  id: true,
  kind: true,
  sni_endpoint: ref,
  status: true,
  updated_at: true,
});

const DRAIN = answerShape<Heroku.LogDrain>({ addon: ref, created_at: true, id: true, token: true, updated_at: true, url: true });

const PIPELINE = answerShape<Heroku.Pipeline>({ created_at: true, id: true, name: true, owner: { id: true, type: true }, updated_at: true });

const COUPLING = answerShape<Heroku.PipelineCoupling>({
  app: { id: true },
  created_at: true,
  id: true,
  pipeline: { id: true },
  stage: true,
  updated_at: true,
});

const PROMOTION = answerShape<Heroku.PipelinePromotion>({
  created_at: true,
  id: true,
  pipeline: { id: true },
  source: { app: { id: true }, release: { id: true } },
  status: true,
  updated_at: true,
});

const PROMOTION_TARGET = answerShape<Heroku.PipelinePromotionTarget>({
  app: { id: true },
  error_message: true,
  id: true,
  pipeline_promotion: { id: true },
  release: { id: true },
  status: true,
});

/** An empty JSON object (`DELETE /apps/{app}/build-cache`). */
const EMPTY: Shape = {};

// ── Requests (link schema) ───────────────────────────────────────────────────

const CONFIG_KEY = /^\w+$/;

const get = (path: string, answer: Shape | null): Link => ({ method: "GET", path, request: noBody, answer });
const del = (path: string, answer: Shape | null): Link => ({ method: "DELETE", path, request: noBody, answer });
const write = (method: Link["method"], path: string, request: Field, answer: Shape | null): Link => ({ method, path, request, answer });

/** api.heroku.com */
export const PLATFORM_LINKS: readonly Link[] = [
  write("POST", "/apps", object({ name: string, region: string, stack: string, feature_flags: arrayOf(string) }), APP),
  get("/apps", APP),
  get("/apps/:app", APP),
  write("PATCH", "/apps/:app", object({ build_stack: string, maintenance: boolean, name: string }), APP),
  del("/apps/:app", APP),
  write(
    "POST",
    "/teams/apps",
    object({
      locked: boolean,
      name: string,
      team: string,
      personal: boolean,
      region: string,
      space: string,
      stack: string,
      internal_routing: nullable(boolean),
    }),
    TEAM_APP,
  ),
  get("/teams/apps/:app", TEAM_APP),
  write("PATCH", "/teams/apps/:app", either(object({ locked: boolean }, ["locked"]), object({ owner: string }, ["owner"])), TEAM_APP),
  get("/teams/:team/apps", TEAM_APP),
  write("POST", "/apps/:app/acm", noBody, APP),
  write("PATCH", "/apps/:app/acm", noBody, APP),
  del("/apps/:app/acm", APP),
  get("/apps/:app/features", FEATURE),
  get("/apps/:app/features/:feature", FEATURE),
  write("PATCH", "/apps/:app/features/:feature", object({ enabled: boolean }, ["enabled"]), FEATURE),
  get("/account", ACCOUNT),
  get("/account/rate-limits", RATE_LIMIT),

  get("/apps/:app/config-vars", null),
  write("PATCH", "/apps/:app/config-vars", mapOf(CONFIG_KEY, nullable(string)), null),

  write(
    "POST",
    "/apps/:app/addons",
    object(
      { attachment: object({ name: string }), config: mapOf(CONFIG_KEY, string), confirm: string, plan: string, name: string },
      ["plan"],
    ),
    ADDON,
  ),
  get("/apps/:app/addons", ADDON),
  get("/apps/:app/addons/:addon", ADDON),
  get("/addons", ADDON),
  get("/addons/:addon", ADDON),
  write("PATCH", "/apps/:app/addons/:addon", object({ name: string, plan: string }, ["plan"]), ADDON),
  del("/apps/:app/addons/:addon", ADDON),
  write(
    "POST",
    "/addon-attachments",
    object({ addon: string, app: string, confirm: string, name: string, namespace: nullable(string) }, ["addon", "app"]),
    ATTACHMENT,
  ),
  get("/addon-attachments", ATTACHMENT),
  get("/addon-attachments/:attachment", ATTACHMENT),
  del("/addon-attachments/:attachment", ATTACHMENT),
  get("/apps/:app/addon-attachments", ATTACHMENT),
  get("/apps/:app/addon-attachments/:attachment", ATTACHMENT),
  get("/addons/:addon/addon-attachments", ATTACHMENT),

  write("POST", "/sources", noBody, SOURCE),
  write("POST", "/apps/:app/sources", noBody, SOURCE),
  write(
    "POST",
    "/apps/:app/builds",
    object(
      {
        buildpacks: nullable(arrayOf(object({ url: string, name: string }))),
        source_blob: object({ checksum: nullable(string), url: string, version: nullable(string) }),
      },
      ["source_blob"],
    ),
    BUILD,
  ),
  get("/apps/:app/builds", BUILD),
  get("/apps/:app/builds/:build", BUILD),
  del("/apps/:app/build-cache", EMPTY),
  get("/apps/:app/slugs/:slug", SLUG),

  get("/apps/:app/releases", RELEASE),
  get("/apps/:app/releases/:release", RELEASE),
  get("/apps/:app/releases/:release/config-vars", null),
  // Two links share this path: a deploy of a slug, or a rollback to a release.
  write(
    "POST",
    "/apps/:app/releases",
    either(object({ description: string, slug: string }, ["slug"]), object({ release: string }, ["release"])),
    RELEASE,
  ),

  get("/apps/:app/formation", FORMATION),
  get("/apps/:app/formation/:type", FORMATION),
  // Each update: `additionalProperties: false` in the schema — `size`, never `dyno_size`.
  write(
    "PATCH",
    "/apps/:app/formation",
    object({ updates: arrayOf(object({ quantity: integer, size: string, type: string }, ["type"])) }, ["updates"]),
    FORMATION,
  ),
  write("PATCH", "/apps/:app/formation/:type", object({ quantity: integer, size: string }), FORMATION),

  // `env` is a map of `^\w+$` keys to strings; `force_no_tty` may be null.
  write(
    "POST",
    "/apps/:app/dynos",
    object(
      {
        attach: boolean,
        command: string,
        env: mapOf(CONFIG_KEY, string),
        force_no_tty: nullable(boolean),
        size: string,
        type: string,
        time_to_live: integer,
      },
      ["command"],
    ),
    DYNO,
  ),
  get("/apps/:app/dynos", DYNO),
  get("/apps/:app/dynos/:dyno", DYNO),
  write("POST", "/apps/:app/log-sessions", object({ dyno: string, lines: integer, source: string, tail: boolean }), LOG_SESSION),

  write("POST", "/apps/:app/domains", object({ hostname: string, sni_endpoint: nullable(string) }, ["hostname", "sni_endpoint"]), DOMAIN),
  get("/apps/:app/domains", DOMAIN),
  get("/apps/:app/domains/:domain", DOMAIN),
  write("PATCH", "/apps/:app/domains/:domain", object({ sni_endpoint: nullable(string) }, ["sni_endpoint"]), DOMAIN),
  del("/apps/:app/domains/:domain", DOMAIN),

  write("POST", "/apps/:app/log-drains", object({ url: string }, ["url"]), DRAIN),
  get("/apps/:app/log-drains", DRAIN),
  get("/apps/:app/log-drains/:drain", DRAIN),
  del("/apps/:app/log-drains/:drain", DRAIN),

  write("POST", "/pipelines", object({ name: string, owner: nullable(object({ id: string, type: string }, ["id", "type"])) }, ["name"]), PIPELINE),
  get("/pipelines", PIPELINE),
  get("/pipelines/:pipeline", PIPELINE),
  write("PATCH", "/pipelines/:pipeline", object({ name: string }), PIPELINE),
  del("/pipelines/:pipeline", PIPELINE),
  get("/pipelines/:pipeline/pipeline-couplings", COUPLING),
  write("POST", "/pipeline-couplings", object({ app: string, pipeline: string, stage: string }, ["app", "pipeline", "stage"]), COUPLING),
  get("/pipeline-couplings", COUPLING),
  get("/pipeline-couplings/:coupling", COUPLING),
  write("PATCH", "/pipeline-couplings/:coupling", object({ stage: string }), COUPLING),
  del("/pipeline-couplings/:coupling", COUPLING),
  get("/apps/:app/pipeline-couplings", COUPLING),
  // The request's source names the app only (`strictProperties`); the answer adds the release promoted.
  write(
    "POST",
    "/pipeline-promotions",
    object(
      {
        pipeline: object({ id: string }, ["id"]),
        source: object({ app: object({ id: string }) }),
        targets: arrayOf(object({ app: object({ id: string }) })),
      },
      ["pipeline", "source", "targets"],
    ),
    PROMOTION,
  ),
  get("/pipeline-promotions/:promotion", PROMOTION),
  get("/pipeline-promotions/:promotion/promotion-targets", PROMOTION_TARGET),
];

/** api.data.heroku.com, as the Heroku CLI calls it. */
export const DATA_LINKS: readonly Link[] = [
  get("/postgres/v0/databases/:db/credentials", null),
  get("/postgres/v0/databases/:db/credentials/:name", null),
  write("POST", "/postgres/v0/databases/:db/credentials", object({ name: string }, ["name"]), null),
  del("/postgres/v0/databases/:db/credentials/:name", null),
  write("POST", "/postgres/v0/databases/:db/credentials/:name/credentials_rotation", object({ forced: boolean }), null),
  write("POST", "/postgres/v0/databases/:db/credentials_rotation", object({ forced: boolean }), null),
  get("/client/v11/databases/:db", null),
  get("/client/v11/databases/:db/wait_status", null),
  get("/client/v11/databases/:db/transfer-schedules", null),
  write(
    "POST",
    "/client/v11/databases/:db/transfer-schedules",
    object({ hour: string, timezone: string, schedule_name: string }, ["hour", "timezone", "schedule_name"]),
    null,
  ),
  del("/client/v11/databases/:db/transfer-schedules/:schedule", null),
  // PGBackups, as the CLI's pg:backups capture/restore/url/download send them.
  write("POST", "/client/v11/databases/:db/backups", noBody, null),
  write("POST", "/client/v11/databases/:db/restores", object({ backup_url: string, extensions: arrayOf(string) }, ["backup_url"]), null),
  get("/client/v11/apps/:app/transfers", null),
  get("/client/v11/apps/:app/transfers/:transfer", null),
  write("POST", "/client/v11/apps/:app/transfers/:transfer/actions/public-url", noBody, null),
  get("/redis/v0/databases/:db", null),
  get("/redis/v0/databases/:db/config", null),
  write("PATCH", "/redis/v0/databases/:db/config", object({ maxmemory_policy: string, timeout: integer, notify_keyspace_events: string }), null),
];

const JOB_ATTRIBUTES = object({ command: string, "dyno-size": string, every: integer, at: integer });

/** particleboard.heroku.com (the Scheduler's dashboard back end), as herokux calls it. */
export const SCHEDULER_LINKS: readonly Link[] = [
  get("/apps/:app/jobs", null),
  write("POST", "/apps/:app/jobs", object({ data: object({ type: string, attributes: JOB_ATTRIBUTES }, ["type", "attributes"]) }, ["data"]), null),
  write(
    "PATCH",
    "/apps/:app/jobs/:job",
    object({ data: object({ id: string, type: string, attributes: JOB_ATTRIBUTES }, ["type", "attributes"]) }, ["data"]),
    null,
  ),
  del("/apps/:app/jobs/:job", null),
];
