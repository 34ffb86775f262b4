/** Small shapes many Platform API objects embed. */
import { stableId } from "../random";
import type { AppRecord, World } from "../state";

export function appRef(app: AppRecord): { id: string; name: string } {
  return { id: app.id, name: app.name };
}

export function userRef(world: World): { id: string; email: string } {
  return { id: world.account.id, email: world.account.email };
}

export function namedRef(kind: string, name: string): { id: string; name: string } {
  return { id: stableId(`${kind}:${name}`), name };
}

export const STACKS = ["heroku-24", "heroku-22"] as const;
export const RETIRED_STACKS = ["heroku-20", "heroku-18", "cedar-14"] as const;
export const REGIONS = ["us", "eu"] as const;
