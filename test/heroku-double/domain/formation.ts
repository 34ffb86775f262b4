/**
 * Formation: one entry per process type of the released slug (never
 * `release`), scaled in batches. Eco and Basic allow one dyno per type and
 * cannot be mixed with Standard/Performance sizes.
 */
import { ApiError, invalidParams, notFound } from "../errors";
import { isObject, objectBody, type JsonObject } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import type { AppRecord, FormationRecord, SlugRecord, World } from "../state";
import { appRef } from "./shared";

const SIZES = [
  "Eco",
  "Basic",
  "Standard-1X",
  "Standard-2X",
  "Performance-M",
  "Performance-L",
  "Performance-L-RAM",
  "Performance-XL",
  "Performance-2XL",
] as const;
const SINGLE_DYNO_SIZES = new Set(["Eco", "Basic"]);

/** `standard-1x` → `Standard-1X`; throws 422 for a size Heroku does not sell. */
export function canonicalSize(name: string): string {
  const found = SIZES.find((s) => s.toLowerCase() === name.toLowerCase());
  if (!found) throw invalidParams(`Invalid dyno size: ${name}.`);
  return found;
}

function tierDefault(world: World, app: AppRecord): string {
  const sizes = [...app.formation.values()].map((f) => f.size);
  return sizes.find((s) => SINGLE_DYNO_SIZES.has(s)) ?? world.settings.defaultDynoSize;
}

/** Make the formation follow a newly released slug: add its types, drop types it no longer declares. */
export function syncFormation(world: World, app: AppRecord, slug: SlugRecord): void {
  const now = world.now();
  const types = Object.entries(slug.processTypes).filter(([type]) => type !== "release");
  for (const [type, command] of types) {
    const existing = app.formation.get(type);
    if (existing) {
      existing.command = command;
      continue;
    }
    app.formation.set(type, {
      id: world.uuid(),
      type,
      quantity: !app.deployedOnce && type === "web" ? 1 : 0,
      size: tierDefault(world, app),
      command,
      createdAt: now,
      updatedAt: now,
    });
  }
  for (const type of [...app.formation.keys()]) {
    if (!types.some(([t]) => t === type)) app.formation.delete(type);
  }
  app.deployedOnce = true;
}

export function renderFormation(app: AppRecord, entry: FormationRecord): Record<string, unknown> {
  return {
    app: appRef(app),
    command: entry.command,
    created_at: entry.createdAt,
    id: entry.id,
    quantity: entry.quantity,
    size: entry.size,
    type: entry.type,
    updated_at: entry.updatedAt,
  };
}

function findEntry(app: AppRecord, typeOrId: string): FormationRecord {
  const entry = app.formation.get(typeOrId) ?? [...app.formation.values()].find((f) => f.id === typeOrId);
  if (!entry) throw notFound(`Couldn't find that process type (${typeOrId}).`);
  return entry;
}

export interface FormationUpdate {
  readonly type: string;
  readonly quantity?: number | undefined;
  readonly size?: string | undefined;
}

function readUpdate(raw: JsonObject, typeFromPath?: string): FormationUpdate {
  const type = typeFromPath ?? raw["type"];
  if (typeof type !== "string" || type === "") throw invalidParams("Missing required params: type.");
  const quantity = raw["quantity"];
  if (quantity !== undefined && (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 0)) {
    throw invalidParams("Quantity must be a non-negative integer.");
  }
  // Only `size` names the dyno size of an update: the schema allows nothing else (links.ts refuses `dyno_size`).
  const size = typeof raw["size"] === "string" ? raw["size"] : undefined;
  return { type, quantity, size };
}

/** Apply a batch of updates all-or-nothing; returns the entries it touched. */
export function scaleFormation(world: World, app: AppRecord, updates: readonly FormationUpdate[]): FormationRecord[] {
  const planned = new Map<string, { quantity: number; size: string }>();
  for (const entry of app.formation.values()) planned.set(entry.type, { quantity: entry.quantity, size: entry.size });
  const touched: FormationRecord[] = [];
  for (const update of updates) {
    const entry = findEntry(app, update.type);
    const next = planned.get(entry.type) ?? { quantity: entry.quantity, size: entry.size };
    if (update.quantity !== undefined) next.quantity = update.quantity;
    if (update.size !== undefined) next.size = canonicalSize(update.size);
    planned.set(entry.type, next);
    if (!touched.includes(entry)) touched.push(entry);
  }
  for (const [type, p] of planned) {
    if (SINGLE_DYNO_SIZES.has(p.size) && p.quantity > 1) {
      throw invalidParams(`Cannot update to more than 1 ${p.size} size dynos per process type (${type}).`);
    }
  }
  const sizes = [...planned.values()].map((p) => p.size);
  if (sizes.some((s) => SINGLE_DYNO_SIZES.has(s)) && sizes.some((s) => !SINGLE_DYNO_SIZES.has(s))) {
    throw invalidParams("Cannot mix Eco or Basic dynos with Standard or Performance dynos. Change all process types at once.");
  }
  if (new Set(sizes.filter((s) => SINGLE_DYNO_SIZES.has(s))).size > 1) {
    throw invalidParams("Cannot mix Eco and Basic dynos. Change all process types at once.");
  }
  const now = world.now();
  for (const entry of touched) {
    const p = planned.get(entry.type);
    if (!p) continue;
    entry.quantity = p.quantity;
    entry.size = p.size;
    entry.updatedAt = now;
  }
  return touched;
}

export function formationRoutes(router: Router): void {
  router
    .get("/apps/:app/formation", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return paginate(ctx, ctx.world.settings, [...app.formation.values()], { id: (f) => f.id, type: (f) => f.type }, (f) =>
        renderFormation(app, f),
      );
    })
    .get("/apps/:app/formation/:type", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderFormation(app, findEntry(app, ctx.params["type"] ?? "")));
    })
    .patch("/apps/:app/formation", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const updates = objectBody(ctx)["updates"];
      if (!Array.isArray(updates) || updates.length === 0) throw invalidParams("Missing required params: updates.");
      const parsed = updates.map((u: unknown) => {
        if (!isObject(u)) throw invalidParams("Each update must be an object.");
        return readUpdate(u);
      });
      const touched = scaleFormation(ctx.world, app, parsed);
      return json(200, touched.map((f) => renderFormation(app, f)));
    })
    .patch("/apps/:app/formation/:type", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const update = readUpdate(objectBody(ctx), ctx.params["type"] ?? "");
      const [entry] = scaleFormation(ctx.world, app, [update]);
      if (!entry) throw new ApiError(500, "internal_server_error", "formation update lost its entry");
      return json(200, renderFormation(app, entry));
    });
}
