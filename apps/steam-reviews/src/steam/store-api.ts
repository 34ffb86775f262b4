/**
 * A game's name from Steam's store, `GET /api/appdetails?appids=<id>`:
 * `{"<id>": {"success": true, "data": {"name": …}}}`, or `{"<id>": {"success": false}}`
 * for an id Steam does not know. Under load the store answers 429, or 200
 * with `null`.
 */
import { z } from "zod";
import { UpstreamRejected, UpstreamUnavailable, type ResilientClient } from "../http/resilient-request.js";

export type AppLookup = { readonly found: true; readonly name: string } | { readonly found: false };

const entrySchema = z.union([
  z.object({ success: z.literal(true), data: z.object({ name: z.string().trim().min(1).max(200) }) }),
  z.object({ success: z.literal(false) }),
]);

export class SteamStoreApi {
  readonly #client: ResilientClient;
  readonly #storeUrl: string;

  constructor(client: ResilientClient, storeUrl: string) {
    this.#client = client;
    this.#storeUrl = storeUrl;
  }

  /** The app's name, or `found: false` when Steam has no such app. Throws UpstreamUnavailable when the store does not answer. */
  async lookUp(appId: number, signal?: AbortSignal): Promise<AppLookup> {
    const url = `${this.#storeUrl}/api/appdetails?appids=${appId}&filters=basic`;
    const answer = await this.#client.request(url, { headers: { accept: "application/json" } }, { signal });
    if (answer.status !== 200) throw new UpstreamRejected("Steam", answer.status, `store details of app ${appId}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new UpstreamUnavailable("Steam", `the store details of app ${appId} are not JSON`);
    }
    if (body === null) throw new UpstreamUnavailable("Steam", "the store answered null (its rate limit)");
    const entry = entrySchema.safeParse((body as Record<string, unknown>)[String(appId)]);
    if (!entry.success) throw new UpstreamUnavailable("Steam", `the store details of app ${appId} do not have the documented shape`);
    return entry.data.success ? { found: true, name: entry.data.data.name } : { found: false };
  }
}
