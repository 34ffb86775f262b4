/**
 * How fleet's policies are written: each is a stack validation over the
 * typed view of the stack (stack-view.ts), given the app specs it checks
 * against. A stack policy sees every resource at once, so a policy can follow
 * a resource to its app and the app to its spec.
 */
import type { EnforcementLevel, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import type { AppSpec } from "../../stacks/app-spec";
import { stackView, type ResourceLike, type StackView } from "./stack-view";

export interface PolicyContext {
  /** The apps of the fleet (`stacks/specs.ts`). */
  readonly specs: readonly AppSpec[];
  /**
   * Apps allowed basic dynos in production, each with the reason it was
   * accepted. An exception is written down and reviewed, never implied.
   */
  readonly basicDynoExceptions: Readonly<Record<string, string>>;
}

export interface FleetPolicy {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel?: EnforcementLevel;
  check(view: StackView, report: ReportViolation, context: PolicyContext): void;
}

/** The `@pulumi/policy` form of a fleet policy. */
export function toStackPolicy(policy: FleetPolicy, context: PolicyContext): StackValidationPolicy {
  return {
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel ?? "mandatory",
    validateStack: (args, report) => {
      const resources: ResourceLike[] = args.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        opts: { protect: r.opts.protect, parent: r.opts.parent, retainOnDelete: (r.opts as { retainOnDelete?: boolean }).retainOnDelete },
      }));
      policy.check(stackView(resources), report, context);
    },
  };
}
