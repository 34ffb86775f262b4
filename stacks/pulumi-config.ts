/**
 * The stack's configuration as the engine hands it to the program: every key
 * as text, and which keys are secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import type { RawConfig } from "./stack-config";

/** `isConfigSecret` is exported by the SDK's runtime but missing from its type declarations. */
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

export function readRawConfig(): RawConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((key) => isConfigSecret(key)));
  return { values, secretKeys };
}
