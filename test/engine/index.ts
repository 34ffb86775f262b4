/**
 * Engine-faithful testing of dynamic providers: load and serialize a
 * provider as the program does, run it in the SDK's dynamic-provider host,
 * and drive it over gRPC as the engine does.
 *
 * @example
 * const heroku = await startHerokuDouble();
 * const engine = await startEngineHarness({ env: { ...heroku.env, FLEET_HEROKU_POLL_MS: "5" } });
 * const app = engine.resource(await loadProvider("components/heroku/providers/app.ts", "appProvider"), "shop");
 * expect((await app.up({ name: "shop-staging" })).op).toBe("create");
 * heroku.handEdit.app("shop-staging", { maintenance: true });
 * expect((await app.refresh()).changed).toContain("maintenance");
 */
export { DynamicProviderHost, type HostOptions } from "./host";
export {
  EngineCallError,
  EngineHarness,
  startEngineHarness,
  type CallTarget,
  type CheckResult,
  type CreateResult,
  type DiffResult,
  type EngineHarnessOptions,
  type ReadResult,
} from "./harness";
export { loadProvider, loadStub, PROJECT_ROOT, requireProjectModule, serializeProviderObject, type SerializedProvider } from "./load-provider";
export { CheckFailedError, EngineResource, type RefreshResult, type ResourceOptions, type ResourceState, type StepOp, type StepResult } from "./resource";
export { isSecret, secret, UNKNOWN, unwrapSecrets, type PropertyMap, type PropertyValue } from "./values";
