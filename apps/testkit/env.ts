/** What an app's env schema says about a raw environment, for its env tests. */
import { expect } from "vitest";

interface EnvProblem {
  readonly variable: string;
  readonly problem: string;
}

/**
 * The problems `load` names for `raw`, by variable. Fails when `load` accepts
 * `raw` or throws anything but the shared EnvError.
 */
export function envProblems(load: (raw: Record<string, string | undefined>) => unknown, raw: Record<string, string | undefined>): Record<string, string> {
  try {
    load(raw);
  } catch (error) {
    expect(error).toMatchObject({ name: "EnvError", problems: expect.any(Array) });
    return Object.fromEntries((error as { problems: readonly EnvProblem[] }).problems.map(({ variable, problem }) => [variable, problem]));
  }
  throw new Error("expected loadEnv to throw");
}
