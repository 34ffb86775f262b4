/**
 * The release phase's second step: every id of STEAM_TRACKED_APP_IDS that
 * tracked_apps lacks is added, named by Steam's store when it answers, else
 * with a placeholder the next pipeline run replaces. Ids already there are
 * left as they are, so a game an admin deactivated stays inactive. Steam
 * being down never fails the release; the database being down does.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { placeholderName, TrackedApps } from "../data/tracked-apps.js";
import type { SteamStoreApi } from "../steam/store-api.js";

export interface SeedReport {
  readonly added: readonly { readonly appId: number; readonly name: string; readonly nameSource: "steam" | "placeholder" }[];
  readonly alreadyTracked: readonly number[];
}

export async function seedTrackedApps(
  deps: { readonly pool: pg.Pool; readonly store: SteamStoreApi; readonly logger: Logger },
  appIds: readonly number[],
): Promise<SeedReport> {
  const apps = new TrackedApps(deps.pool);
  const missing = await apps.missing(appIds);
  const added: SeedReport["added"][number][] = [];
  for (const appId of missing) {
    let name = placeholderName(appId);
    let nameSource: "steam" | "placeholder" = "placeholder";
    try {
      const lookup = await deps.store.lookUp(appId);
      if (lookup.found) {
        name = lookup.name;
        nameSource = "steam";
      } else {
        deps.logger.warn({ appId }, "Steam's store does not know this app id; tracking it under a placeholder name");
      }
    } catch (error) {
      deps.logger.warn({ appId, err: error }, "Steam's store did not answer; tracking the game under a placeholder name until the next pipeline run");
    }
    if ((await apps.add({ appId, name, nameSource, addedBy: "release" })) === "added") added.push({ appId, name, nameSource });
  }
  return { added, alreadyTracked: appIds.filter((id) => !missing.includes(id)) };
}
