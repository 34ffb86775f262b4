/**
 * Which apps fleet checks after a release: those with a health path and a
 * running web process (a worker-only app, or a web process scaled to zero,
 * has nothing that could answer), unless the stack turns the check off.
 */
import type { AppSpec } from "./app-spec";
import type { AppOverride } from "./config-schema";
import type { ProcessModel, SmokeCheckModel } from "./environment-model";

/** Time an app has to answer 200 on its health path after a release, unless the stack says otherwise. */
export const DEFAULT_SMOKE_CHECK_SECONDS = 300;

export function resolveSmokeCheck(spec: AppSpec, override: AppOverride, processes: readonly ProcessModel[]): SmokeCheckModel | undefined {
  if (spec.healthPath === undefined || override.smokeCheck === false) return undefined;
  if (!processes.some((p) => p.kind === "web" && p.quantity > 0)) return undefined;
  return { path: spec.healthPath, timeoutSeconds: override.smokeCheck?.timeoutSeconds ?? DEFAULT_SMOKE_CHECK_SECONDS };
}
