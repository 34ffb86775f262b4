/**
 * Fault injection. A test adds rules; each request is checked against them in
 * the order they were added, and the first rule that matches and still has
 * shots left decides the request's fate. Random rules draw from a seeded
 * generator, so a run replays exactly.
 *
 * Kinds:
 * - `429`, `500`, `503`: answered at once with the API's error body; nothing is applied.
 * - `404`: a read that does not see a write yet (Heroku is eventually consistent
 *   right after a create), answered `not_found`.
 * - `"drop"`: the socket is destroyed after the request arrives; nothing is applied.
 * - `"slow"`: the request is applied at once but the answer waits `delayMs`
 *   (longer than a client's per-request timeout, typically).
 * - `"commit-then-drop"`: the request is applied, then the socket is destroyed
 *   before any answer — a client that retries a create blindly makes a duplicate.
 */
import { SeededRandom } from "./random";

export type HostName = "platform" | "data" | "scheduler" | "blob";
export type FaultKind = 404 | 429 | 500 | 503 | "drop" | "slow" | "commit-then-drop";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Which requests a rule applies to; every given field must match. */
export interface FaultScope {
  readonly host?: HostName | readonly HostName[];
  readonly method?: string | readonly string[];
  /** true: only POST/PUT/PATCH/DELETE; false: only reads. */
  readonly writes?: boolean;
  /**
   * A RegExp tested against the path, or a route pattern: `:name` matches one
   * segment, a trailing `*` matches the rest (`/apps/:app/config-vars`, `/apps/*`).
   */
  readonly path?: string | RegExp;
}

export interface FaultOptions extends FaultScope {
  /** How many matching requests get the fault. @default 1 (Infinity for `random`) */
  readonly times?: number;
  /** Let this many matching requests through untouched first. @default 0 */
  readonly skip?: number;
  /** Chance that a matching request gets the fault (seeded). @default 1 */
  readonly probability?: number;
  /** Delay of a `slow` answer in ms. @default 10000 */
  readonly delayMs?: number;
}

export interface FaultRule {
  readonly kinds: readonly FaultKind[];
  readonly scope: FaultScope;
  /** Shots left. */
  remaining: number;
  skip: number;
  readonly probability: number;
  readonly delayMs: number;
  /** How many requests this rule has hit. */
  fired: number;
}

export interface FiredFault {
  readonly seq: number;
  readonly kind: FaultKind;
  readonly host: HostName;
  readonly method: string;
  readonly path: string;
}

export interface RequestSummary {
  readonly seq: number;
  readonly host: HostName;
  readonly method: string;
  readonly path: string;
}

export interface Decision {
  readonly kind: FaultKind;
  readonly delayMs: number;
}

function matchesPattern(pattern: string, path: string): boolean {
  const p = pattern.split("/").filter(Boolean);
  const a = path.split("/").filter(Boolean);
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    if (seg === "*" && i === p.length - 1) return true;
    if (i >= a.length) return false;
    if (seg?.startsWith(":")) continue;
    if (seg !== a[i]) return false;
  }
  return p.length === a.length;
}

function inScope(scope: FaultScope, request: RequestSummary): boolean {
  if (scope.host !== undefined && !(typeof scope.host === "string" ? [scope.host] : scope.host).includes(request.host)) return false;
  if (scope.method !== undefined) {
    const methods = (typeof scope.method === "string" ? [scope.method] : scope.method).map((m) => m.toUpperCase());
    if (!methods.includes(request.method)) return false;
  }
  if (scope.writes !== undefined && WRITE_METHODS.has(request.method) !== scope.writes) return false;
  if (scope.path !== undefined) {
    if (typeof scope.path === "string" ? !matchesPattern(scope.path, request.path) : !scope.path.test(request.path)) return false;
  }
  return true;
}

export class FaultControl {
  private rules: FaultRule[] = [];
  private rng: SeededRandom;
  readonly fired: FiredFault[] = [];

  constructor(seed: number) {
    this.rng = new SeededRandom(seed ^ 0x5eed);
  }

  /** The next `times` (default 1) matching requests get `kind`. */
  inject(kind: FaultKind, options: FaultOptions = {}): FaultRule {
    return this.addRule([kind], options, options.times ?? 1);
  }

  /** Consecutive matching requests get these faults, in order (one each). */
  queue(kinds: readonly FaultKind[], scope: FaultScope = {}): FaultRule[] {
    return kinds.map((kind) => this.addRule([kind], scope, 1));
  }

  /** Each matching request gets, with `probability`, a fault picked (seeded) from `kinds`. */
  random(kinds: readonly FaultKind[], options: FaultOptions & { readonly probability: number }): FaultRule {
    return this.addRule(kinds, options, options.times ?? Number.POSITIVE_INFINITY);
  }

  remove(rule: FaultRule): void {
    this.rules = this.rules.filter((r) => r !== rule);
  }

  /** Drop every rule (the `fired` history stays). */
  clear(): void {
    this.rules = [];
  }

  reseed(seed: number): void {
    this.rng = new SeededRandom(seed ^ 0x5eed);
  }

  get active(): readonly FaultRule[] {
    return this.rules.filter((r) => r.remaining > 0);
  }

  /** @internal Called by the server for every request. */
  decide(request: RequestSummary): Decision | null {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !inScope(rule.scope, request)) continue;
      if (rule.skip > 0) {
        rule.skip--;
        continue;
      }
      if (rule.probability < 1 && this.rng.next() >= rule.probability) continue;
      const kind = rule.kinds.length === 1 ? rule.kinds[0] : this.rng.pick(rule.kinds);
      if (kind === undefined) continue;
      rule.remaining--;
      rule.fired++;
      this.fired.push({ seq: request.seq, kind, host: request.host, method: request.method, path: request.path });
      return { kind, delayMs: rule.delayMs };
    }
    return null;
  }

  private addRule(kinds: readonly FaultKind[], options: FaultOptions, times: number): FaultRule {
    if (kinds.length === 0) throw new Error("a fault rule needs at least one kind");
    const { host, method, writes, path } = options;
    const rule: FaultRule = {
      kinds,
      scope: { host, method, writes, path },
      remaining: times,
      skip: options.skip ?? 0,
      probability: options.probability ?? 1,
      delayMs: options.delayMs ?? 10_000,
      fired: 0,
    };
    this.rules.push(rule);
    return rule;
  }
}
