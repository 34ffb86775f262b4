/**
 * The shapes of Platform API answers the providers rely on, as zod schemas
 * (validated on the way in) whose inferred types are checked at compile time
 * against the official response types of `@heroku-cli/schema`.
 *
 * Schemas are built by functions, not module constants: providers are
 * serialized with their captured values, and a function serializes as source
 * while a zod instance would be deep-copied.
 */
import type * as Heroku from "@heroku-cli/schema";
import { z } from "zod";

/** Compile-time check: `Parsed` is a valid reading of the official type `Official`. */
type Conforms<Parsed extends Partial<Official>, Official> = Parsed;

/** Absent or null on the wire, `undefined` once parsed (official types say optional, never null). */
const maybe = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);

const ref = () => z.object({ id: z.string(), name: z.string() });
const idRef = () => z.object({ id: z.string() });

/** `GET /apps/{app}`. */
export const appSchema = () =>
  z.object({
    id: z.string(),
    name: z.string(),
    web_url: maybe(z.string()),
    region: ref(),
    stack: ref(),
    build_stack: maybe(ref()),
    team: maybe(z.object({ id: z.string().optional(), name: z.string() })),
    acm: maybe(z.boolean()),
    maintenance: z.boolean(),
    created_at: maybe(z.string()),
  });
export type AppBody = Conforms<z.infer<ReturnType<typeof appSchema>>, Heroku.App>;

/** `GET /apps/{app}/features/{feature}`. */
export const appFeatureSchema = () => z.object({ id: z.string(), name: z.string(), enabled: z.boolean() });
export type AppFeatureBody = Conforms<z.infer<ReturnType<typeof appFeatureSchema>>, Heroku.AppFeature>;

/** `GET /addons/{addon}`. */
export const addonSchema = () =>
  z.object({
    id: z.string(),
    name: z.string(),
    app: ref(),
    addon_service: ref(),
    plan: ref(),
    state: z.enum(["provisioning", "provisioned", "deprovisioned", "deprovisioning"]),
    config_vars: maybe(z.array(z.string())),
    provision_message: maybe(z.string()),
  });
// The official enum omits `deprovisioning`, which Heroku does answer while an add-on is being removed.
export type AddonBody = z.infer<ReturnType<typeof addonSchema>>;
type _AddonConforms = Conforms<Omit<AddonBody, "state">, Heroku.AddOn>;

/** `GET /addon-attachments/{id}`. */
export const attachmentSchema = () =>
  z.object({
    id: z.string(),
    name: z.string(),
    namespace: maybe(z.string()),
    app: ref(),
    addon: z.object({ id: z.string(), name: z.string(), app: ref() }),
  });
export type AttachmentBody = Conforms<z.infer<ReturnType<typeof attachmentSchema>>, Heroku.AddOnAttachment>;

/** `GET /apps/{app}/config-vars`: every var, add-on ones included. */
export const configVarsSchema = () => z.record(z.string(), z.string());
export type ConfigVarsBody = Conforms<z.infer<ReturnType<typeof configVarsSchema>>, Heroku.ConfigVars>;

/** `POST /sources`. */
export const sourceSchema = () => z.object({ source_blob: z.object({ get_url: z.string(), put_url: z.string() }) });
export type SourceBody = Conforms<z.infer<ReturnType<typeof sourceSchema>>, Heroku.Source>;

/** `GET /apps/{app}/builds/{id}`. */
export const buildSchema = () =>
  z.object({
    id: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    output_stream_url: maybe(z.string()),
    source_blob: z.object({ url: z.string(), checksum: maybe(z.string()), version: maybe(z.string()) }),
    release: maybe(idRef()),
    slug: maybe(idRef()),
    app: idRef(),
  });
export type BuildBody = Conforms<z.infer<ReturnType<typeof buildSchema>>, Heroku.Build>;

/** `GET /apps/{app}/releases/{id}`. */
export const releaseSchema = () =>
  z.object({
    id: z.string(),
    version: z.number(),
    status: z.enum(["pending", "succeeded", "failed", "expired"]),
    current: maybe(z.boolean()),
    output_stream_url: maybe(z.string()),
    slug: maybe(idRef()),
  });
// The official enum omits `expired` (old releases whose slug was purged), which the JSON schema lists.
export type ReleaseBody = z.infer<ReturnType<typeof releaseSchema>>;
type _ReleaseConforms = Conforms<Omit<ReleaseBody, "status">, Heroku.Release>;

/** `GET /apps/{app}/slugs/{id}`: `commit` is the `source_blob.version` of the build that made it. */
export const slugSchema = () =>
  z.object({
    id: z.string(),
    commit: maybe(z.string()),
  });
export type SlugBody = Conforms<z.infer<ReturnType<typeof slugSchema>>, Heroku.Slug>;

/** One entry of `GET /apps/{app}/formation`: the schema's `size`; `dyno_size` where some answers add it. */
export const formationSchema = () =>
  z.object({
    id: z.string(),
    type: z.string(),
    quantity: z.number(),
    size: maybe(z.string()),
    dyno_size: maybe(z.object({ id: z.string().optional(), name: z.string() })),
  });
export type FormationBody = Conforms<z.infer<ReturnType<typeof formationSchema>>, Heroku.Formation>;

/** `GET /apps/{app}/domains/{id}`. */
export const domainSchema = () =>
  z.object({
    id: z.string(),
    hostname: z.string(),
    cname: maybe(z.string()),
    status: z.string(),
    acm_status: maybe(z.string()),
    acm_status_reason: maybe(z.string()),
    app: ref(),
  });
export type DomainBody = Conforms<z.infer<ReturnType<typeof domainSchema>>, Heroku.Domain>;

/** `GET /apps/{app}/log-drains/{id}`. */
export const drainSchema = () =>
  z.object({
    id: z.string(),
    token: z.string(),
    url: z.string(),
    addon: maybe(z.object({ id: z.string() })),
    app: maybe(z.object({ id: z.string(), name: z.string().optional() })),
  });
export type DrainBody = Conforms<z.infer<ReturnType<typeof drainSchema>>, Heroku.LogDrain>;

/** `GET /pipelines/{id}`. */
export const pipelineSchema = () =>
  z.object({
    id: z.string(),
    name: z.string(),
    owner: maybe(z.object({ id: z.string(), type: z.string() })),
    created_at: maybe(z.string()),
  });
export type PipelineBody = Conforms<z.infer<ReturnType<typeof pipelineSchema>>, Heroku.Pipeline>;

/** `GET /pipeline-couplings/{id}`. */
export const couplingSchema = () =>
  z.object({
    id: z.string(),
    stage: z.enum(["test", "review", "development", "staging", "production"]),
    app: idRef(),
    pipeline: idRef(),
  });
export type CouplingBody = Conforms<z.infer<ReturnType<typeof couplingSchema>>, Heroku.PipelineCoupling>;

/** `GET /apps/{app}/dynos/{id}`: a one-off dyno while it runs (gone, 404, once its process has ended). */
export const dynoSchema = () =>
  z.object({
    id: z.string(),
    name: z.string(),
    command: z.string(),
    state: z.string(),
    type: maybe(z.string()),
    size: maybe(z.string()),
    created_at: z.string(),
    release: maybe(z.object({ id: z.string(), version: z.number() })),
  });
export type DynoBody = Conforms<z.infer<ReturnType<typeof dynoSchema>>, Heroku.Dyno>;

/** `POST /apps/{app}/log-sessions`: where to read the log (no auth: the URL is the session). */
export const logSessionSchema = () => z.object({ id: z.string(), logplex_url: z.string() });
export type LogSessionBody = Conforms<z.infer<ReturnType<typeof logSessionSchema>>, Heroku.LogSession>;
