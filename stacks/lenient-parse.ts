/**
 * Parses the `fleet:` settings so that a schema problem never hides the
 * others: every schema issue is collected, the values it is about are set
 * aside, and what is left is parsed again — so the checks that follow
 * (databases, budgets, domains, variables) still run on everything valid.
 * What was set aside is remembered, so those checks do not report its
 * consequences as problems of their own.
 */
import type { z } from "zod";
import { DATABASE_MODES, stackConfigSchema, type StackConfig, type Tier } from "./config-schema";
import { issuePath, type IssueParams, type Path } from "./config-issues";

/** What the semantic checks must not hold against the stack: it is already reported. */
export interface SetAside {
  /** Top-level settings (`tier`, `accessEmails`…) whose value was dropped or replaced. */
  readonly keys: ReadonlySet<string>;
  /** Apps some of whose settings were dropped. */
  readonly apps: ReadonlySet<string>;
  /** Entries of `fleet:databases` and `fleet:redis` that were dropped. */
  readonly databases: ReadonlySet<string>;
  readonly redis: ReadonlySet<string>;
}

export interface LenientParse {
  /** The settings with every invalid value set aside; undefined only if nothing parseable is left. */
  readonly config: StackConfig | undefined;
  /** Every schema issue, once each. */
  readonly issues: readonly z.core.$ZodIssue[];
  readonly setAside: SetAside;
}

/** Values that stand in for a required setting that is missing or invalid, so the rest can be checked. */
export interface Fallbacks {
  readonly tier: Tier;
  readonly appPrefix: string;
}

const MAX_ROUNDS = 12;

type Mutable = Record<string, unknown>;

function isRecord(value: unknown): value is Mutable {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === "number") node = node[part];
    else if (isRecord(node)) node = node[String(part)];
    else return undefined;
  }
  return node;
}

class Repair {
  readonly keys = new Set<string>();
  readonly apps = new Set<string>();
  readonly databases = new Set<string>();
  readonly redis = new Set<string>();
  /** Paths whose value was changed, so a later round's complaint about them is not new. */
  private readonly touched: string[] = [];

  constructor(
    private readonly root: Mutable,
    private readonly fallbacks: Fallbacks,
  ) {}

  /** Sets aside what the issue is about; false when nothing could be changed. */
  apply(issue: z.core.$ZodIssue): boolean {
    const path = issuePath(issue);
    if (issue.code === "unrecognized_keys") {
      const holder = valueAt(this.root, path);
      if (!isRecord(holder)) return false;
      for (const key of issue.keys) delete holder[key];
      this.note([...path, ...issue.keys.slice(0, 1)]);
      return true;
    }
    return this.drop(path);
  }

  /** Whether a later round's issue only follows from an earlier repair. */
  followsFromRepair(issue: z.core.$ZodIssue): boolean {
    const path = issuePath(issue).map(String);
    const key = path.join("\u0000");
    if (this.touched.some((t) => key === t || key.startsWith(`${t}\u0000`))) return true;
    const modes = issue.code === "custom" && (issue.params as IssueParams | undefined)?.databaseModes !== undefined;
    return modes && this.touched.some((t) => DATABASE_MODES.some((m) => t === [...path, m].join("\u0000") || t.startsWith(`${[...path, m].join("\u0000")}\u0000`)));
  }

  private note(path: Path): void {
    this.touched.push(path.map(String).join("\u0000"));
    const [top, entry] = path;
    if (path.length === 1) this.keys.add(String(top));
    if (entry === undefined) return;
    if (top === "apps") this.apps.add(String(entry));
    if (top === "databases" && path.length === 2) this.databases.add(String(entry));
    if (top === "redis" && path.length === 2) this.redis.add(String(entry));
  }

  private drop(path: Path): boolean {
    if (path.length === 0) return false;
    const top = String(path[0]);
    if (path.length === 1) {
      if (top === "tier" || top === "appPrefix") {
        if (this.root[top] === this.fallbacks[top]) return false;
        this.root[top] = this.fallbacks[top];
      } else if (top in this.root) {
        delete this.root[top];
      } else {
        return false;
      }
      this.note(path);
      return true;
    }
    const holder = valueAt(this.root, path.slice(0, -1));
    const leaf = String(path[path.length - 1]);
    // An app's settings that are not a map at all: keep the app, with no settings.
    if (top === "apps" && path.length === 2 && isRecord(holder) && !(isRecord(holder[leaf]) && Object.keys(holder[leaf]).length === 0)) {
      holder[leaf] = {};
      this.note(path);
      return true;
    }
    // One bad item spoils its list: the list goes (lists here are short and flat).
    if (Array.isArray(holder)) return this.drop(path.slice(0, -1));
    if (isRecord(holder) && leaf in holder) {
      delete holder[leaf];
      this.note(path);
      return true;
    }
    // Nothing there to drop (a required value is missing): what holds it goes.
    return this.drop(path.slice(0, -1));
  }
}

export function parseLeniently(input: Readonly<Record<string, unknown>>, fallbacks: Fallbacks): LenientParse {
  const root = structuredClone(input) as Mutable;
  const repair = new Repair(root, fallbacks);
  const issues: z.core.$ZodIssue[] = [];
  const seen = new Set<string>();
  let config: StackConfig | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = stackConfigSchema.safeParse(root, { reportInput: true });
    if (parsed.success) {
      config = parsed.data;
      break;
    }
    let changed = false;
    for (const issue of parsed.error.issues) {
      const id = `${issue.code}\u0000${issuePath(issue).join("\u0000")}\u0000${issue.message}`;
      if (!seen.has(id) && (round === 0 || !repair.followsFromRepair(issue))) issues.push(issue);
      seen.add(id);
      if (repair.apply(issue)) changed = true;
    }
    if (!changed) break;
  }
  return { config, issues, setAside: { keys: repair.keys, apps: repair.apps, databases: repair.databases, redis: repair.redis } };
}
