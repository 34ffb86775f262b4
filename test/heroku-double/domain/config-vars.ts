/**
 * Config vars: a merge PATCH (null deletes) that creates a release and
 * re-runs the release phase; add-on vars are derived from attachments and
 * cannot be overwritten; `HEROKU_` keys are reserved.
 */
import { invalidParams } from "../errors";
import { objectBody } from "../http/body";
import { json, type Router } from "../http/router";
import type { AppRecord, ReleaseRecord, World } from "../state";
import { addonVarsOf } from "./addons";
import { createRelease } from "./releases";

const KEY_RE = /^\w+$/;

export function configVarsOf(world: World, app: AppRecord): Record<string, string> {
  return { ...Object.fromEntries(app.userConfig), ...addonVarsOf(world, app) };
}

export type ConfigPatch = Readonly<Record<string, string | null>>;

/** Validate and apply a PATCH; returns the release it made (none for an empty patch). */
export function patchConfigVars(world: World, app: AppRecord, patch: Readonly<Record<string, unknown>>): ReleaseRecord | undefined {
  const addonVars = addonVarsOf(world, app);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!KEY_RE.test(key)) problems.push(`${key} is not a valid config var name (use letters, digits and underscores)`);
    else if (key.startsWith("__")) problems.push(`${key} may not begin with a double underscore`);
    else if (key.startsWith("HEROKU_")) problems.push(`${key} is reserved: keys beginning with HEROKU_ are set by the platform`);
    if (value !== null && typeof value !== "string") problems.push(`the value of ${key} must be a string or null`);
  }
  if (problems.length > 0) throw invalidParams(`Invalid config vars: ${problems.join("; ")}.`);
  const attachmentKeys = Object.keys(patch).filter((key) => key in addonVars);
  if (attachmentKeys.length > 0) throw invalidParams(`Cannot overwrite attachment values ${attachmentKeys.join(", ")}.`);

  const next = new Map(app.userConfig);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) next.delete(key);
    else next.set(key, value as string);
  }
  const size = [...next].reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > world.settings.configVarsMaxBytes) {
    throw invalidParams(`Config vars are too large (${size} bytes; the limit is ${world.settings.configVarsMaxBytes}).`);
  }
  const keys = Object.keys(patch);
  if (keys.length === 0) return undefined;
  app.userConfig.clear();
  for (const [k, v] of next) app.userConfig.set(k, v);
  app.updatedAt = world.now();
  const set = keys.filter((k) => patch[k] !== null);
  const removed = keys.filter((k) => patch[k] === null);
  const parts = [set.length > 0 ? `Set ${set.join(", ")}` : "", removed.length > 0 ? `${set.length > 0 ? "remove" : "Remove"} ${removed.join(", ")}` : ""];
  const description = `${parts.filter((p) => p !== "").join(" and ")} config var${keys.length > 1 ? "s" : ""}`;
  return createRelease(world, app, { description });
}

export function configVarRoutes(router: Router): void {
  router
    .get("/apps/:app/config-vars", (ctx) => json(200, configVarsOf(ctx.world, ctx.world.app(ctx.params["app"] ?? ""))))
    .patch("/apps/:app/config-vars", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      patchConfigVars(ctx.world, app, objectBody(ctx));
      return json(200, configVarsOf(ctx.world, app));
    });
}
