/**
 * Dynamic provider of a Heroku app (`POST /apps`, `POST /teams/apps`).
 *
 * - Rename, maintenance, ACM, Labs features and the stack are changed in place.
 *   The stack goes through `build_stack` (used by the next build): replacing
 *   the app for a stack upgrade would destroy its add-ons and their data.
 * - Region and team can only be chosen at creation: changing them replaces
 *   the app, deleting the old one first (app names are global).
 * - `adopt` takes over an existing app by name instead of creating one: it
 *   must be visible to the token and match region, team and stack; settings
 *   fleet does not manage are left as they are. An adopted app is never
 *   replaced (that would delete it), and deleting it only forgets it.
 * - Without `adopt`, an app that already has the name is never taken over:
 *   the create is refused with the command that adopts it. The one exception
 *   is the app this very create made when Heroku's answer was lost: it was
 *   created after the create began and has no release beyond the ones Heroku
 *   makes for every new app.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, herokuStats, seg, type HerokuClient } from "../client";
import { isRejected, messageOf } from "../errors";
import { checkInputs, compact, derivedError, failure, parseProps, step, unknownDiff } from "../provider-kit";
import { appFeatureSchema, appSchema, releaseSchema, type AppBody } from "../schemas";

const appInputs = () =>
  z.object({
    name: z.string(),
    region: z.string().min(1).default("us"),
    stack: z.string().min(1).default("heroku-24"),
    team: z.string().min(1).optional(),
    acm: z.boolean().optional(),
    maintenance: z.boolean().optional(),
    features: z.record(z.string(), z.boolean()).optional(),
    adopt: z.boolean().optional(),
    /** The app's key under `fleet:apps` in the stack config, named in the commands messages give. */
    configKey: z.string().min(1).optional(),
  });
export type AppInputs = z.infer<ReturnType<typeof appInputs>>;

const appOutputs = () =>
  z.object({
    appId: z.string(),
    name: z.string(),
    webUrl: z.string(),
    region: z.string(),
    stack: z.string(),
    team: z.string().optional(),
    acm: z.boolean(),
    maintenance: z.boolean(),
    features: z.record(z.string(), z.boolean()),
    adopted: z.boolean(),
  });
export type AppOutputs = z.infer<ReturnType<typeof appOutputs>>;

/** Heroku's rule for app names: 3–30 characters, lowercase letter first, no trailing dash. */
export function appNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 30) return `"${name}" has ${name.length} characters; Heroku app names have 3 to 30.`;
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(name)) {
    return `"${name}" is not a valid Heroku app name: lowercase letters, digits and dashes, starting with a letter and not ending with a dash.`;
  }
  return undefined;
}

export const appProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(appInputs(), news, (inputs) => {
      const problem = appNameProblem(inputs.name);
      return problem ? [failure("name", problem)] : [];
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["region", "team"]);
    if (pending) return pending;
    const olds = parseProps("App", appOutputs(), oldOutputs);
    const news = parseProps("App", appInputs(), newInputs);
    const replaces: string[] = [];
    if (news.region !== olds.region) replaces.push("region");
    if ((news.team ?? "") !== (olds.team ?? "")) replaces.push("team");
    if (replaces.length > 0 && olds.adopted) {
      throw new Error(
        `App ${olds.name} was adopted (it existed before fleet); changing ${replaces.join(" and ")} would delete it ` +
          `and every add-on billed to it. Move it by hand (heroku apps:transfer, or a new app and a data migration) ` +
          `and then set ${replaces.join("/")} to match, or remove the change.`,
      );
    }
    const changes = [...replaces];
    if (news.name !== olds.name) changes.push("name");
    if (news.stack !== olds.stack) changes.push("stack");
    if (news.acm !== undefined && news.acm !== olds.acm) changes.push("acm");
    if (news.maintenance !== undefined && news.maintenance !== olds.maintenance) changes.push("maintenance");
    if (Object.entries(news.features ?? {}).some(([name, enabled]) => olds.features[name] !== enabled)) changes.push("features");
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("App", appInputs(), rawInputs);
    const api = herokuClient();
    const created = inputs.adopt
      ? await step(`Adopting app ${inputs.name}`, () => adoptApp(api, inputs))
      : await step(`Creating app ${inputs.name}`, () => createApp(api, inputs));
    const outs = await step(`Configuring app ${inputs.name}`, () => applySettings(api, created, inputs, {}, inputs.adopt ?? false));
    return { id: outs.appId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("App", appOutputs().partial(), props);
    const api = herokuClient();
    const app = await step(`Reading app ${olds.name ?? id}`, () => api.find(`/apps/${seg(id)}`, appSchema()));
    if (!app) return { id: "" };
    const managed = Object.keys(olds.features ?? {});
    const features = managed.length > 0 ? await readFeatures(api, app.id, managed) : {};
    const outs = appOuts(app, features, olds.adopted ?? false);
    return { id: app.id, props: outs };
  },

  async update(id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("App", appOutputs(), oldOutputs);
    const news = parseProps("App", appInputs(), newInputs);
    const api = herokuClient();
    const outs = await step(`Updating app ${olds.name}`, async () => {
      const app = await api.get(`/apps/${seg(id)}`, appSchema());
      return applySettings(api, app, news, olds.features, olds.adopted);
    });
    return { outs };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("App", appOutputs().partial(), props);
    // An adopted app existed before fleet and outlives it: removing it from the program forgets it, whatever the resource options say.
    if (olds.adopted === true) return;
    const api = herokuClient();
    await step(`Deleting app ${olds.name ?? id}`, () => api.remove(`/apps/${seg(id)}`));
  },
};

/** How far Heroku's clock may be behind this machine's when telling an app made by this create from an older one. */
const CLOCK_SKEW_MS = 60_000;
/** Heroku gives every new app these releases (v1 "Initial release", v2 "Enable Logplex") before anyone touches it. */
const INITIAL_RELEASES = 2;

/**
 * `POST /apps` (or `/teams/apps`). When the name is taken, the app is fleet's
 * only if this create made it — a POST whose answer was lost, then a resend
 * refused — and it still looks new; any other app of that name is refused
 * with the command that adopts it.
 */
async function createApp(api: HerokuClient, inputs: AppInputs): Promise<AppBody> {
  const began = Date.now();
  // Set once a POST of this create may have been carried out without its answer reaching us.
  let answerLost = false;
  const findByName = () => api.find(`/apps/${seg(inputs.name)}`, appSchema());
  const madeByThisCreate = async (app: AppBody): Promise<boolean> =>
    answerLost && matchProblems(app, inputs).length === 0 && (await looksNew(api, app, began));
  const recover = async (): Promise<AppBody | undefined> => {
    answerLost = true;
    const found = await findByName();
    return found && (await madeByThisCreate(found)) ? found : undefined;
  };
  const body = { name: inputs.name, region: inputs.region, stack: inputs.stack };
  const hint = "App names are global across Heroku.";
  try {
    return inputs.team
      ? await api.request("POST", "/teams/apps", { body: { ...body, team: inputs.team }, schema: appSchema(), recover, hint })
      : await api.request("POST", "/apps", { body, schema: appSchema(), recover, hint });
  } catch (error) {
    if (!isRejected(error)) throw error;
    let existing: AppBody | undefined;
    let mine = false;
    try {
      existing = await findByName();
      mine = existing !== undefined && (await madeByThisCreate(existing));
    } catch (lookupError) {
      throw derivedError(error, `${messageOf(error)} Looking up the app of that name failed too: ${messageOf(lookupError)}`);
    }
    if (existing === undefined || !mine) throw derivedError(error, nameTakenMessage(inputs, existing, messageOf(error)));
    // A resend refused because an earlier POST of this create had made the app (the lookup after it missed it).
    herokuStats().recoveries++;
    api.log.info(`app ${inputs.name} was made by this create (its answer was lost); resuming with it`);
    return existing;
  }
}

/** Made moments ago (by Heroku's clock, within the skew) and untouched since: only the releases every new app gets. */
async function looksNew(api: HerokuClient, app: AppBody, began: number): Promise<boolean> {
  const created = Date.parse(app.created_at ?? "");
  if (!Number.isFinite(created) || created < began - CLOCK_SKEW_MS) return false;
  const [newest] = await api.request("GET", `/apps/${seg(app.id)}/releases`, {
    schema: z.array(releaseSchema()),
    range: "version ..; max=1, order=desc",
  });
  return newest === undefined || (newest.version <= INITIAL_RELEASES && newest.slug === undefined);
}

/** Why the name cannot be had, and the exact command for each way out. */
function nameTakenMessage(inputs: AppInputs, existing: AppBody | undefined, refusal: string): string {
  const key = inputs.configKey ?? "<app>";
  const rename = `pulumi config set --path 'fleet:apps.${key}.herokuName' <another-name>`;
  if (existing === undefined) {
    return `${refusal} No app named ${inputs.name} is visible to HEROKU_API_KEY: if the name is taken, another account has it; choose another name (${rename}).`;
  }
  return (
    `App ${inputs.name} already exists on Heroku and this create did not make it: fleet never takes over an app it did not create. ` +
    `If it is yours and fleet should manage it, adopt it: pulumi config set --path 'fleet:apps.${key}.adoptApp' ${inputs.name} ` +
    `(it must match the stack config's region, team and stack), then run \`pulumi up\` again. Otherwise choose another name (${rename}). ` +
    `(Heroku refused the create: ${refusal})`
  );
}

async function adoptApp(api: HerokuClient, inputs: AppInputs): Promise<AppBody> {
  const found = await api.find(`/apps/${seg(inputs.name)}`, appSchema());
  if (!found) {
    throw new Error(
      `adopt is set but no app named ${inputs.name} is visible to HEROKU_API_KEY (404). ` +
        `Check the name in the stack config and that the token's account or team can access the app; ` +
        `remove adopt to have fleet create it.`,
    );
  }
  // Region and team cannot change in place; the stack can (it applies from the next build).
  const problems = matchProblems(found, inputs, { stack: false });
  if (problems.length > 0) {
    throw new Error(
      `the existing app does not match the stack config: ${problems.join("; ")}. ` +
        `Set these values to the app's own in the stack config to adopt it as it is.`,
    );
  }
  api.log.info(`adopted existing app ${found.name} (${found.id})`);
  return found;
}

/** How an existing app differs from what the inputs ask for, in the terms of the stack config. */
function matchProblems(app: AppBody, inputs: AppInputs, compare: { stack: boolean } = { stack: true }): string[] {
  const problems: string[] = [];
  if (app.region.name !== inputs.region) problems.push(`region is ${app.region.name}, config says ${inputs.region}`);
  const team = app.team?.name;
  if ((team ?? "") !== (inputs.team ?? "")) {
    problems.push(`team is ${team ?? "(none: personal app)"}, config says ${inputs.team ?? "(none: personal app)"}`);
  }
  const stack = app.build_stack?.name ?? app.stack.name;
  if (compare.stack && stack !== inputs.stack) problems.push(`stack is ${stack}, config says ${inputs.stack}`);
  return problems;
}

/**
 * Brings name, stack, maintenance, ACM and features to what the inputs ask
 * (only those the inputs set), with as few calls as possible.
 */
async function applySettings(
  api: HerokuClient,
  current: AppBody,
  inputs: AppInputs,
  knownFeatures: Readonly<Record<string, boolean>>,
  adopted: boolean,
): Promise<AppOutputs> {
  let app = current;
  const patch: Record<string, unknown> = {};
  if (inputs.name !== app.name) patch["name"] = inputs.name;
  if (inputs.stack !== (app.build_stack?.name ?? app.stack.name)) patch["build_stack"] = inputs.stack;
  if (inputs.maintenance !== undefined && inputs.maintenance !== app.maintenance) patch["maintenance"] = inputs.maintenance;
  if (Object.keys(patch).length > 0) {
    app = await api.request("PATCH", `/apps/${seg(app.id)}`, { body: patch, schema: appSchema() });
  }
  if (inputs.acm !== undefined && inputs.acm !== (app.acm ?? false)) {
    app = await api.request(inputs.acm ? "POST" : "DELETE", `/apps/${seg(app.id)}/acm`, {
      schema: appSchema(),
      idempotent: true,
      hint: inputs.acm ? "ACM needs a paid dyno type (not eco)." : undefined,
    });
  }
  const features: Record<string, boolean> = {};
  for (const [name, enabled] of Object.entries(inputs.features ?? {})) {
    if (knownFeatures[name] === enabled) {
      features[name] = enabled;
      continue;
    }
    const answer = await api.request("PATCH", `/apps/${seg(app.id)}/features/${seg(name)}`, {
      body: { enabled },
      schema: appFeatureSchema(),
      hint: `Check the feature name with \`heroku labs --app ${app.name}\`.`,
    });
    features[name] = answer.enabled;
  }
  return appOuts(app, features, adopted);
}

async function readFeatures(api: HerokuClient, appId: string, names: readonly string[]): Promise<Record<string, boolean>> {
  const all = await api.list(`/apps/${seg(appId)}/features`, appFeatureSchema());
  const out: Record<string, boolean> = {};
  for (const name of names) {
    const feature = all.find((f) => f.name === name);
    if (feature) out[name] = feature.enabled;
  }
  return out;
}

function appOuts(app: AppBody, features: Record<string, boolean>, adopted: boolean): AppOutputs {
  return compact({
    appId: app.id,
    name: app.name,
    webUrl: app.web_url ?? "",
    region: app.region.name,
    stack: app.build_stack?.name ?? app.stack.name,
    team: app.team?.name,
    acm: app.acm ?? false,
    maintenance: app.maintenance,
    features,
    adopted,
  });
}
