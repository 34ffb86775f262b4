import type * as pulumi from "@pulumi/pulumi";
import { call } from "./lib";

export const spikeProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { path: string }) {
    const r = await call(inputs.path);
    return { id: r.id, outs: { ...r } };
  },
};
