/**
 * fleet's policy pack: `pulumi preview --policy-pack policy` (or `pulumi up
 * --policy-pack policy`) runs it against the stack's resources. The CLI runs
 * it in this folder (index.js loads this file; the pack's version comes from
 * package.json here); `@pulumi/policy` and fleet's own modules resolve from
 * the project root, so the root's `npm ci` installs everything.
 *
 * Constructing the PolicyPack starts the analyzer's gRPC server: tests use
 * the policies from policies.ts and never import this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { fleetPolicies } from "./policies";

new PolicyPack("fleet", { policies: fleetPolicies(), enforcementLevel: "mandatory" });
