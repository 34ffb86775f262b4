/**
 * Runs fleet's policies the way the analyzer does, without the Pulumi CLI:
 * each policy's `validateStack` with a fake StackValidationArgs built from
 * resources (hand-made, or what the program registered under the mock
 * runtime), collecting every reported violation.
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { Registered } from "../harness/program";
import { fleetPolicies } from "../../policy/policies";
import type { PolicyContext } from "../../policy/lib/define";

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: string;
  readonly message: string;
  readonly urn: string | undefined;
}

export interface FakeResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly parent?: FakeResource;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
}

/** URN as the engine builds it: the parent's type chain, then this type, then the name. */
export function urnOf(stack: string, r: FakeResource): string {
  const chain: string[] = [];
  for (let p = r.parent; p; p = p.parent) chain.unshift(p.type);
  return `urn:pulumi:${stack}::fleet::${[...chain, r.type].join("$")}::${r.name}`;
}

function policyResource(r: { type: string; name: string; urn: string; props: Record<string, unknown>; protect: boolean; parent: string | undefined; retainOnDelete?: boolean }): PolicyResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props,
    opts: {
      protect: r.protect,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...(r.parent ? { parent: r.parent } : {}),
      ...(r.retainOnDelete !== undefined ? { retainOnDelete: r.retainOnDelete } : {}),
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  } as PolicyResource;
}

/** Hand-made resources of one stack as the analyzer would pass them. */
export function fakeResources(stack: string, resources: readonly FakeResource[]): PolicyResource[] {
  return resources.map((r) =>
    policyResource({
      type: r.type,
      name: r.name,
      urn: urnOf(stack, r),
      props: r.props,
      protect: r.protect ?? false,
      parent: r.parent ? urnOf(stack, r.parent) : undefined,
      ...(r.retainOnDelete !== undefined ? { retainOnDelete: r.retainOnDelete } : {}),
    }),
  );
}

/**
 * What the program registered, as the analyzer would pass it. `retainOnDelete`
 * is left out: @pulumi/policy 1.21 does not give it to policies.
 */
export function registeredResources(registered: readonly Registered[]): PolicyResource[] {
  return registered.map((r) => policyResource({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, protect: r.protect, parent: r.parent || undefined }));
}

export async function runPolicies(resources: PolicyResource[], context?: PolicyContext, only?: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  const policies: StackValidationPolicy[] = fleetPolicies(context).filter((p) => only === undefined || p.name === only);
  if (only !== undefined && policies.length === 0) throw new Error(`no policy named ${only}`);
  for (const policy of policies) {
    const args: StackValidationArgs = {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => ({}) as T,
      notApplicable: (reason?: string) => {
        throw new Error(`notApplicable: ${reason ?? ""}`);
      },
    };
    await policy.validateStack(args, (message, urn) => violations.push({ policy: policy.name, enforcementLevel: policy.enforcementLevel ?? "advisory", message, urn }));
  }
  return violations;
}
