/**
 * Every web app has a health path, and in production at least one web dyno.
 *
 * An app is a web app when its spec declares a web process or its formation
 * runs Heroku's `web` type (the one the router sends requests to). The health
 * path is the spec's (`apps/<app>/deploy.ts`): uptime checks and the smoke
 * checks after a deploy call it. A production web app scaled to zero answers
 * every request with Heroku's error page.
 */
import { configSetCommand } from "../../stacks/stack-command";
import type { FleetPolicy } from "../lib/define";

export const webHealthAndDynos: FleetPolicy = {
  name: "web-apps-health-path-and-dynos",
  description: "Every web app has a health path, and at least one web dyno in production.",
  check(view, report, { specs }) {
    for (const service of view.services) {
      const spec = specs.find((s) => s.name === service.app);
      const webTypes = new Set([
        ...Object.entries(spec?.processes ?? {}).filter(([, p]) => p.kind === "web").map(([type]) => type),
        ...Object.keys(service.formation ?? {}).filter((type) => type === "web"),
      ]);
      if (webTypes.size === 0) continue;
      if (!spec?.healthPath) {
        report(`${service.app} runs a web process but has no health path: give it one in apps/${service.app}/deploy.ts (healthPath: "/health") that answers 200 when the app can serve`, service.urn);
      }
      if (view.tier !== "production" || !service.formation) continue;
      const dynos = [...webTypes].reduce((sum, type) => sum + (service.formation?.[type]?.quantity ?? 0), 0);
      if (dynos < 1) {
        const type = [...webTypes][0]!;
        report(`${service.app} has no web dyno in production stack '${view.stack}': every request would get Heroku's error page. ${configSetCommand(view.stack, `fleet:apps.${service.app}.formation.${type}.quantity`, "1", { path: true })}`, service.formationUrn ?? service.urn);
      }
    }
  },
};
