/**
 * Which folders under apps/ are applications: those with a fleet spec
 * (`deploy.ts`). Other folders (shared code) are not deployed on their own.
 */
import fs from "node:fs";
import path from "node:path";

export const APPS_DIR = path.resolve(__dirname, "..", "..", "apps");

export { SHARED_CODE_FOLDER } from "../../components/heroku/source-archive";

/** Names of the applications under `appsDir`, sorted. */
export function listApps(appsDir: string = APPS_DIR): string[] {
  if (!fs.existsSync(appsDir)) return [];
  return fs
    .readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && fs.existsSync(path.join(appsDir, entry.name, "deploy.ts")))
    .map((entry) => entry.name)
    .sort();
}
