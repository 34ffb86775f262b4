/**
 * Games added while Steam's store did not answer carry a placeholder name;
 * each pipeline run asks the store again. Never fails the run: a name is
 * cosmetic, and the next run asks again.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { TrackedApps, type TrackedApp } from "../data/tracked-apps.js";
import { Interrupted } from "../http/sleep.js";
import type { SteamStoreApi } from "../steam/store-api.js";

export async function refreshPlaceholderNames(
  deps: { readonly pool: pg.Pool; readonly store: SteamStoreApi; readonly logger: Logger; readonly signal?: AbortSignal | undefined },
  apps: readonly TrackedApp[],
): Promise<number> {
  const repository = new TrackedApps(deps.pool);
  let named = 0;
  for (const app of apps.filter((candidate) => candidate.nameSource === "placeholder")) {
    try {
      const lookup = await deps.store.lookUp(app.appId, deps.signal);
      if (!lookup.found) {
        deps.logger.warn({ appId: app.appId }, "Steam's store does not know this app id; it keeps its placeholder name");
        continue;
      }
      await repository.setSteamName(app.appId, lookup.name);
      deps.logger.info({ appId: app.appId, name: lookup.name }, "placeholder name replaced with the store's");
      named++;
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      deps.logger.warn({ appId: app.appId, err: error }, "could not look the game's name up; the next run tries again");
    }
  }
  return named;
}
