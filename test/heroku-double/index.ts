/**
 * A local Heroku: a real HTTP server speaking the Platform API (api.heroku.com),
 * the data API (api.data.heroku.com), Heroku Scheduler's back end
 * (particleboard) and an S3-like blob host for source uploads, with the
 * platform's rules, state a test can inspect and change, and fault injection.
 *
 * @example
 * const heroku = await startHerokuDouble({ pageSize: 2 });
 * process.env = { ...process.env, ...heroku.env };   // HEROKU_API_URL, HEROKU_API_KEY…
 * heroku.seed.app({ name: "euterpe" });               // exists before the program runs
 * heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/addons" });
 * …
 * expect(heroku.state.configVars("euterpe")).toMatchObject({ SPOTIFY_CLIENT_ID: "x" });
 * await heroku.close();
 */
import { HandEditor, OutcomeControl, Seeder, StateView } from "./control";
import { FaultControl } from "./faults";
import { blobHost, dataHost, platformHost, schedulerHost } from "./hosts";
import { startHost, type RequestLogEntry, type RequestViolation, type RunningHost } from "./http/server";
import { SeededRandom } from "./random";
import { DEFAULT_TIMING, World, type Timing } from "./state";

export type { FaultKind, FaultOptions, FaultRule, FaultScope, FiredFault, HostName } from "./faults";
export type { RequestLogEntry, RequestViolation } from "./http/server";
export type { Delay, Timing } from "./state";
export type * from "./state";
export { HandEditor, OutcomeControl, Seeder, StateView, FaultControl };

export interface HerokuDoubleOptions {
  /** Seed of ids, generated names and random faults. @default 1 */
  readonly seed?: number;
  /** The one valid API key. @default a random `HRKU-…` string */
  readonly token?: string;
  /** Durations of asynchronous work (add-on provisioning, builds…), in requests and/or ms. */
  readonly timing?: Partial<Timing>;
  /** Page size of list endpoints without a Range. @default 200 */
  readonly pageSize?: number;
  /** Largest page served whatever the Range asks; set small to force pagination. @default 1000 */
  readonly maxPageSize?: number;
  /** Size of new process types. @default "Standard-1X" */
  readonly defaultDynoSize?: string;
  /** @default 32768 */
  readonly configVarsMaxBytes?: number;
  /** Heroku Teams that exist (`POST /teams/apps` needs one). @default ["fleet"] */
  readonly teams?: readonly string[];
  /** Initial rate-limit bucket. @default {remaining: 4500, refillPerMinute: 75} */
  readonly rateLimit?: { readonly remaining?: number; readonly refillPerMinute?: number };
}

export interface HerokuDoubleUrls {
  /** Base of api.heroku.com paths. */
  readonly platform: string;
  /** Base of api.data.heroku.com paths. */
  readonly data: string;
  /** Base of particleboard.heroku.com paths. */
  readonly scheduler: string;
  /** The S3-like host behind source put/get URLs and output streams. */
  readonly blob: string;
}

export interface HerokuDouble {
  readonly urls: HerokuDoubleUrls;
  readonly token: string;
  /** Env vars pointing a client at the double: HEROKU_API_URL, HEROKU_DATA_API_URL, HEROKU_SCHEDULER_URL, HEROKU_API_KEY. */
  readonly env: Readonly<Record<string, string>>;
  readonly state: StateView;
  /** Every request received, in order. */
  readonly requests: readonly RequestLogEntry[];
  readonly faults: FaultControl;
  readonly seed: Seeder;
  readonly handEdit: HandEditor;
  readonly control: OutcomeControl;
  /** Durations of asynchronous work; tests may change them at any time. */
  readonly timing: Timing;
  /** Errors thrown by the double's own code (answered as 500): a test should expect none. */
  readonly internalErrors: readonly Error[];
  /**
   * Requests refused because they carried what the API does not accept (unknown or
   * mistyped fields, missing required ones; see links.ts). A suite of a client that
   * speaks the API correctly expects none.
   */
  readonly violations: readonly RequestViolation[];
  /** Forget the request log (e.g. after seeding through HTTP). */
  clearRequests(): void;
  /** Run the transitions that are due now. */
  advance(): void;
  /** Finish every pending transition now (add-ons provisioned, builds done…). */
  settle(): void;
  close(): Promise<void>;
}

export async function startHerokuDouble(options: HerokuDoubleOptions = {}): Promise<HerokuDouble> {
  const seed = options.seed ?? 1;
  const timing: Timing = { ...DEFAULT_TIMING, ...(options.timing ?? {}) };
  const world = new World(
    seed,
    timing,
    {
      pageSize: options.pageSize ?? 200,
      maxPageSize: options.maxPageSize ?? 1000,
      defaultDynoSize: options.defaultDynoSize ?? "Standard-1X",
      configVarsMaxBytes: options.configVarsMaxBytes ?? 32_768,
    },
    options.teams ?? ["fleet"],
  );
  if (options.rateLimit?.remaining !== undefined) world.rateLimit.remaining = options.rateLimit.remaining;
  if (options.rateLimit?.refillPerMinute !== undefined) world.rateLimit.refillPerMinute = options.rateLimit.refillPerMinute;
  const token = options.token ?? `HRKU-${new SeededRandom(seed * 7919).hex(40)}`;
  const faults = new FaultControl(seed);
  const log: RequestLogEntry[] = [];
  const internalErrors: Error[] = [];
  const violations: RequestViolation[] = [];
  const deps = { world, faults, token, log, internalErrors, violations };

  const hosts: RunningHost[] = [];
  try {
    for (const spec of [platformHost(world), dataHost(), schedulerHost(), blobHost()]) hosts.push(await startHost(spec, deps));
  } catch (error) {
    await Promise.all(hosts.map((h) => h.close()));
    throw error;
  }
  const [platform, data, scheduler, blob] = hosts.map((h) => h.url) as [string, string, string, string];
  world.urls = { platform, data, scheduler, blob };
  const urls: HerokuDoubleUrls = { platform, data, scheduler, blob };

  return {
    urls,
    token,
    env: {
      HEROKU_API_URL: platform,
      HEROKU_DATA_API_URL: data,
      HEROKU_SCHEDULER_URL: scheduler,
      HEROKU_API_KEY: token,
    },
    state: new StateView(world),
    requests: log,
    faults,
    seed: new Seeder(world),
    handEdit: new HandEditor(world),
    control: new OutcomeControl(world),
    timing,
    internalErrors,
    violations,
    clearRequests: () => {
      log.length = 0;
    },
    advance: () => {
      world.advance();
    },
    settle: () => {
      world.settle();
    },
    close: async () => {
      await Promise.all(hosts.map((h) => h.close()));
    },
  };
}
