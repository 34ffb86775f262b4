/**
 * How big the stack's state will be: each registered resource in the shape
 * `pulumi stack export` writes it (urn, type, id, inputs, outputs, parent,
 * dependencies, flags), with outputs taken as the inputs, as dynamic and most
 * bridged resources echo them. A lower bound for bridged resources that add
 * computed outputs; close for fleet's own Heroku resources, whose stored
 * provider (`__provider`) is counted twice, as the engine stores it.
 */
import type { Registered } from "./mock-run";

export interface StateEstimate {
  /** Bytes of the exported state's JSON. */
  readonly bytes: number;
  /** Resources in it. */
  readonly resources: number;
  /** Largest provider text a dynamic resource stores (bytes, stored twice per resource). */
  readonly largestProviderBytes: number;
}

export function estimateState(resources: readonly Registered[]): StateEstimate {
  let largestProviderBytes = 0;
  const exported = resources.map((r) => {
    const provider = r.inputs["__provider"];
    if (typeof provider === "string") largestProviderBytes = Math.max(largestProviderBytes, Buffer.byteLength(provider));
    return {
      urn: r.urn,
      custom: r.custom,
      ...(r.custom ? { id: `${r.name}-0123456789abcdef` } : {}),
      type: r.type,
      inputs: r.inputs,
      outputs: r.inputs,
      parent: r.parent,
      dependencies: r.dependencies,
      ...(r.protect ? { protect: true } : {}),
      ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    };
  });
  const state = { version: 3, deployment: { manifest: { time: new Date(0).toISOString(), magic: "", version: "" }, resources: exported } };
  return { bytes: Buffer.byteLength(JSON.stringify(state, null, 4)), resources: exported.length, largestProviderBytes };
}
