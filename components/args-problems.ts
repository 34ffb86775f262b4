/** A problem with a component's args: what is wrong and the exact fix. */
export interface ArgsProblem {
  readonly what: string;
  readonly fix: string;
}

/** Throws one error listing every problem, each with its fix; returns when there is none. */
export function throwArgsProblems(component: string, name: string, problems: readonly ArgsProblem[], detail?: string): void {
  if (problems.length === 0) return;
  const lines = problems.map((p, i) => `  ${i + 1}. ${p.what}\n     fix: ${p.fix}`);
  throw new Error(`${component} '${name}'${detail ? ` (${detail})` : ""} is misconfigured:\n${lines.join("\n")}`);
}
