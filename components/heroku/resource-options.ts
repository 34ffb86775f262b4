import type * as pulumi from "@pulumi/pulumi";

/** The options with `names` added to `additionalSecretOutputs` (outputs Heroku computes that must be encrypted in state). */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, names: readonly string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...names])] };
}
