import type * as pulumi from "@pulumi/pulumi";
import { packSource } from "./sa-named-tar";

export const spikeProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { path: string }) {
    const r = await packSource(inputs.path);
    return { id: r.sha256, outs: { files: r.files } };
  },
};
