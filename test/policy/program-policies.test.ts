/**
 * The whole pack over what the real program registers (mock runtime), as
 * `pulumi preview --policy-pack policy` would run it after the program: both
 * committed stacks pass every policy; a production configuration the program
 * accepts but the rules refuse gets exactly the expected violations. Also
 * what the pack cannot see in @pulumi/policy 1.21: every production data
 * store is retained on delete.
 */
import { describe, expect, it } from "vitest";
import { runProgram, type RunResult } from "../harness/program";
import { outputs } from "../harness/service-outputs";
import { completeConfig, editJson, type TestConfig } from "../stacks/fixtures";
import { stackView, TYPES } from "../../policy/lib/stack-view";
import { registeredResources, runPolicies } from "./run-policies";

async function run(stack: string, config: TestConfig): Promise<RunResult> {
  const result = await runProgram({ stack, config: config.values, secretKeys: config.secretKeys, outputs });
  if (result.error) throw result.error;
  return result;
}

describe.each(["staging", "production"] as const)("the committed %s stack", (stack) => {
  it("passes every policy, which see every app's config vars, formation and database", async () => {
    const result = await run(stack, completeConfig(stack));
    const view = stackView(registeredResources(result.resources));
    expect(view.tier).toBe(stack);
    expect(view.services).toHaveLength(6);
    for (const service of view.services) {
      expect(service.vars?.["APP_ENV"], service.app).toBe(stack);
      expect(service.formation, service.app).toBeDefined();
    }
    expect(view.services.filter((s) => s.declared.database && Number.isInteger(Number(s.vars?.["PG_POOL_MAX"]))).length).toBeGreaterThanOrEqual(3);
    expect(await runPolicies(registeredResources(result.resources))).toEqual([]);
  }, 120_000);
});

describe("production", () => {
  it("retains every data store on delete (what the pack cannot see)", async () => {
    const result = await run("production", completeConfig("production"));
    const stores = result.resources.filter((r) => r.type === TYPES.pgSchema || (r.type === TYPES.addon && /^heroku-(postgresql|redis):/.test(String(r.inputs["plan"]))));
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) expect({ name: store.name, protect: store.protect, retainOnDelete: store.retainOnDelete }).toEqual({ name: store.name, protect: true, retainOnDelete: true });
  }, 120_000);

  it("a configuration the program accepts but the rules refuse: exactly the expected violations", async () => {
    const config = completeConfig("production");
    config.values["fleet:proxied"] = "false";
    editJson<Record<string, { formation?: Record<string, { size?: string; quantity?: number }> }>>(config, "fleet:apps", (apps) => {
      apps["shop-sentiment"] = { ...apps["shop-sentiment"], formation: { web: { size: "basic", quantity: 1 } } };
      apps["threads-web"] = { ...apps["threads-web"], formation: { web: { size: "standard-1X", quantity: 0 } } };
      apps["zoomer-bot"] = { ...apps["zoomer-bot"], formation: { worker: { size: "eco", quantity: 1 } } };
    });
    const result = await run("production", config);
    const violations = await runPolicies(registeredResources(result.resources));
    const summary = violations.map((v) => `${v.policy}: ${v.message.split(":")[0]}`).sort();
    const proxiedApps = result.resources.filter((r) => r.type === TYPES.dnsRecord).length;
    expect(proxiedApps).toBeGreaterThan(0);
    expect(summary).toEqual(
      [
        ...result.resources
          .filter((r) => r.type === TYPES.dnsRecord)
          .map((r) => `production-dns-proxied-full-strict: DNS record ${String(r.inputs["name"])} of ${r.name.replace(/-dns-cname$/, "")} is not proxied in production stack 'production' (fleet`),
        "no-eco-or-basic-dynos-in-production: shop-sentiment runs its web process on basic dynos in production stack 'production'",
        "no-eco-or-basic-dynos-in-production: zoomer-bot runs its worker process on eco dynos in production stack 'production'",
        "web-apps-health-path-and-dynos: threads-web has no web dyno in production stack 'production'",
      ].sort(),
    );
    expect(violations.every((v) => v.enforcementLevel === "mandatory" && v.urn !== undefined)).toBe(true);
  }, 120_000);
});
