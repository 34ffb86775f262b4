/**
 * Mock runtime for component tests: the shared recorder (scripts/lib/mock-run.ts)
 * with lookups by type and name. Single components need no dynamic providers,
 * so they load through vitest as usual; the whole program goes through
 * test/harness/program.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { startRecording, type MockOutputs, type Registered } from "../../scripts/lib/mock-run";

export { unwrapSecrets } from "../../scripts/lib/mock-run";
export type Recorded = Registered;

export interface MockOptions {
  /** Run as a preview: outputs the mocks do not give are unknown. @default false */
  readonly preview?: boolean;
  /** Computed outputs per resource, merged over its inputs (inputs arrive with secrets unwrapped). */
  readonly outputs?: MockOutputs;
}

export interface Recording {
  readonly resources: Recorded[];
  readonly invokes: { token: string; inputs: Record<string, unknown> }[];
  /** Waits until every registration has reached the monitor. */
  settle(): Promise<void>;
  /** The resources of one type. */
  ofType(type: string): Recorded[];
  /** The resource with this logical name; throws when absent. */
  named(name: string): Recorded;
}

/** Installs a fresh mock monitor and starts recording. Construct components after awaiting it. */
export async function startMocks(options: MockOptions = {}): Promise<Recording> {
  const recording = await startRecording({ stack: "test", ...options });
  const { resources } = recording;
  return {
    ...recording,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const found = resources.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}; registered: ${resources.map((r) => r.name).join(", ")}`);
      return found;
    },
  };
}

export interface Resolved<T> {
  readonly value: T | undefined;
  readonly known: boolean;
  readonly secret: boolean;
}

/** An Output's value, whether it is known and whether it is secret (never hangs on unknowns). */
export async function resolve<T>(output: pulumi.Output<T>): Promise<Resolved<T>> {
  const internal = output as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean>; promise(withUnknowns?: boolean): Promise<T> };
  const [known, secret, value] = await Promise.all([internal.isKnown, internal.isSecret, internal.promise(true)]);
  return { value: known ? value : undefined, known, secret };
}
