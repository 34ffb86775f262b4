/**
 * Everything wrong with a stack is collected as problems and reported together,
 * each naming the thing, what is wrong and the exact fix.
 */
export interface Problem {
  /** What the problem is about: a config key (`fleet:apps.euterpe.formation.web.size`) or `app VARIABLE`. */
  readonly where: string;
  /** What is wrong, in one sentence. */
  readonly what: string;
  /** The command or edit that fixes it. */
  readonly fix: string;
  /**
   * Set when the problem is only a secret not yet provided: `key` is the config
   * key (`euterpe:SPOTIFY_CLIENT_ID`, or `fleet:databaseUrls` with a `path`).
   * The offline plan lists these and goes on; `pulumi up` stops.
   */
  readonly missingSecret?: { readonly key: string; readonly path?: string };
}

/** Thrown by the program before any resource is registered when the stack cannot be built. */
export class StackConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly Problem[],
  ) {
    super(formatProblems(stackName, problems));
    this.name = "StackConfigError";
  }
}

export function formatProblems(stack: string, problems: readonly Problem[]): string {
  const lines = problems.map((p, i) => `  ${i + 1}. ${p.where}: ${p.what}\n     fix: ${p.fix}`);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `stack '${stack}' has ${count}; nothing was registered:\n${lines.join("\n")}`;
}

/** A collector that call sites push into, so no check stops at the first problem. */
export class Problems {
  private readonly list: Problem[] = [];

  add(where: string, what: string, fix: string, missingSecret?: Problem["missingSecret"]): void {
    this.list.push({ where, what, fix, ...(missingSecret ? { missingSecret } : {}) });
  }

  get all(): readonly Problem[] {
    return this.list;
  }

  get any(): boolean {
    return this.list.length > 0;
  }
}
