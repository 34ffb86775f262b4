/**
 * Everything wrong with a stack is collected as problems and reported together,
 * each naming the thing, what is wrong and the exact fix. Secrets not set yet
 * are listed apart: they stop `pulumi up`, not the offline plan, and one
 * mistake never reads as a dozen problems.
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

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Problems that are mistakes, as opposed to secrets not set yet. */
export function realProblems(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => !p.missingSecret);
}

export function missingSecrets(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.missingSecret);
}

/** `stack 'x' has 2 problems and 3 secrets not set; nothing was registered:` followed by each, with its fix. */
export function formatProblems(stack: string, problems: readonly Problem[]): string {
  const real = realProblems(problems);
  const secrets = missingSecrets(problems);
  const counts = [real.length > 0 ? plural(real.length, "problem") : "", secrets.length > 0 ? `${plural(secrets.length, "secret")} not set` : ""]
    .filter(Boolean)
    .join(" and ");
  const lines = [`stack '${stack}' has ${counts}; nothing was registered:`];
  real.forEach((p, i) => lines.push(`  ${i + 1}. ${p.where}: ${p.what}\n     fix: ${p.fix}`));
  if (secrets.length > 0) {
    lines.push(real.length > 0 ? "  secrets not set yet (they stop `pulumi up`, not the offline plan):" : "  secrets not set yet:");
    for (const p of secrets) lines.push(`  - ${p.where}: ${p.what}\n     fix: ${p.fix}`);
  }
  return lines.join("\n");
}

/** A collector that call sites push into, so no check stops at the first problem. */
export class Problems {
  private readonly list: Problem[] = [];

  add(where: string, what: string, fix: string, missingSecret?: Problem["missingSecret"]): void {
    this.list.push({ where, what, fix, ...(missingSecret ? { missingSecret } : {}) });
  }

  /** Whether something is already reported about `where` (so a second check does not repeat it). */
  has(where: string): boolean {
    return this.list.some((p) => p.where === where);
  }

  get all(): readonly Problem[] {
    return this.list;
  }

  get any(): boolean {
    return this.list.length > 0;
  }
}
