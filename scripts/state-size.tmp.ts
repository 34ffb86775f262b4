import path from "node:path";
import { buildEnvironment } from "../stacks/environment";
import { APP_SPECS } from "../stacks/specs";
import { runMocked } from "./lib/mock-run";
import { placeholderFor, readStackFiles } from "./lib/stack-files";
async function main() {
  const stack = process.argv[2] ?? "production";
  const files = readStackFiles(path.resolve(__dirname, ".."), stack);
  const first = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
  if (!first.ok) for (const p of first.problems.filter((p) => p.missingSecret)) { const { key, path: at } = p.missingSecret!; if (at === undefined) files.config[key] = placeholderFor(key); else files.config[key] = JSON.stringify({ ...(files.config[key] ? JSON.parse(files.config[key]) : {}), [at]: placeholderFor(key) }); if (!files.secretKeys.includes(key)) files.secretKeys.push(key); }
  const t = Date.now();
  const run = await runMocked({ stack, config: files.config, secretKeys: files.secretKeys, preview: true, load: () => require("../stacks/index.ts") });
  const ms = Date.now() - t;
  if (run.error) throw run.error;
  const resources = run.resources.map((r) => ({ urn: r.urn, custom: r.custom, id: r.custom ? `${r.name}-id` : undefined, type: r.type, inputs: r.inputs, outputs: r.inputs, parent: r.parent, dependencies: r.dependencies, protect: r.protect }));
  const state = JSON.stringify({ version: 3, deployment: { manifest: {}, resources } });
  const dyn = run.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const prov = dyn.map((r) => String(r.inputs["__provider"] ?? "").length);
  console.log(JSON.stringify({ stack, ms, resources: resources.length, dynamic: dyn.length, stateBytes: state.length, providerMax: Math.max(...prov), providerTotal: prov.reduce((a, b) => a + b, 0) }));
  process.exit(0);
}
main();
