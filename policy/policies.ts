/**
 * fleet's policies, in the order the pack reports them. Each lives in its own
 * module under policies/ and is a plain object, so tests run it without the
 * Pulumi CLI (constructing the PolicyPack starts a gRPC server: see pack.ts).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { APP_SPECS } from "../stacks/specs";
import { BASIC_DYNOS_IN_PRODUCTION } from "./exceptions";
import { toStackPolicy, type FleetPolicy, type PolicyContext } from "./lib/define";
import { connectionBudget } from "./policies/connection-budget";
import { dataStoresProtected } from "./policies/data-stores-protected";
import { dnsProxiedFullStrict } from "./policies/dns-proxied-full-strict";
import { noPlainSecretConfigVars } from "./policies/no-plain-secret-config-vars";
import { noSmallDynosInProduction } from "./policies/no-small-dynos-in-production";
import { requiredEnvVars } from "./policies/required-env-vars";
import { webHealthAndDynos } from "./policies/web-health-and-dynos";

export const FLEET_POLICIES: readonly FleetPolicy[] = [
  dataStoresProtected,
  noPlainSecretConfigVars,
  webHealthAndDynos,
  connectionBudget,
  dnsProxiedFullStrict,
  noSmallDynosInProduction,
  requiredEnvVars,
];

export const DEFAULT_CONTEXT: PolicyContext = { specs: APP_SPECS, basicDynoExceptions: BASIC_DYNOS_IN_PRODUCTION };

/** The policies as `@pulumi/policy` objects. */
export function fleetPolicies(context: PolicyContext = DEFAULT_CONTEXT): StackValidationPolicy[] {
  return FLEET_POLICIES.map((policy) => toStackPolicy(policy, context));
}
