/**
 * The clients of Steam and OpenAI, built from the environment. Each process
 * has its own pace: a job may wait minutes for Steam, a person on /admin
 * seconds, and the release phase must never hang on Steam.
 */
import type { Env } from "./env.js";
import { realHttpDeps, ResilientClient, type HttpDeps, type RetryPolicy } from "./http/resilient-request.js";
import { ChatClient } from "./openai/chat-client.js";
import { SteamReviewsApi } from "./steam/reviews-api.js";
import { SteamStoreApi } from "./steam/store-api.js";

export interface Profile {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

export const PROFILES = {
  /** The pipeline and the backfill: patient, as Steam asks. */
  job: { timeoutMs: 20_000, retry: { maxAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000, maxRetryAfterMs: 120_000 } },
  /** A person waiting on /admin, or the release phase. */
  quick: { timeoutMs: 5_000, retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 } },
  /** OpenAI: a batch can take a while to generate. */
  openai: { timeoutMs: 120_000, retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 } },
} as const satisfies Record<string, Profile>;

/** What tests change: the clock, sleep and fetch, and shorter waits. */
export interface ClientOverrides {
  readonly http?: Partial<HttpDeps>;
  readonly profile?: Partial<Profile>;
}

function profileWith(base: Profile, overrides: ClientOverrides | undefined): Profile {
  return { ...base, ...overrides?.profile, retry: { ...base.retry, ...overrides?.profile?.retry } };
}

export function steamApis(
  env: Pick<Env, "STEAM_STORE_URL" | "STEAM_REQUEST_INTERVAL_MS">,
  base: Profile,
  overrides?: ClientOverrides,
): { readonly reviews: SteamReviewsApi; readonly store: SteamStoreApi } {
  const profile = profileWith(base, overrides);
  // One client for both endpoints: the pace is per host.
  const client = new ResilientClient(
    { service: "Steam", minIntervalMs: env.STEAM_REQUEST_INTERVAL_MS, timeoutMs: profile.timeoutMs, retry: profile.retry },
    { ...realHttpDeps, ...overrides?.http },
  );
  return { reviews: new SteamReviewsApi(client, env.STEAM_STORE_URL), store: new SteamStoreApi(client, env.STEAM_STORE_URL) };
}

export function chatClient(env: Pick<Env, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_MODEL">, overrides?: ClientOverrides): ChatClient {
  const profile = profileWith(PROFILES.openai, overrides);
  const client = new ResilientClient(
    { service: "OpenAI", minIntervalMs: 0, timeoutMs: profile.timeoutMs, retry: profile.retry },
    { ...realHttpDeps, ...overrides?.http },
  );
  return new ChatClient(client, { baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, model: env.OPENAI_MODEL });
}
