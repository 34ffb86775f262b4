/** What every route plugin of the catalog receives from the composition root. */
import type { RateLimitOptions } from "@fastify/rate-limit";
import type { Catalog } from "../catalog/catalog.js";

export interface CatalogRouteOptions {
  readonly catalog: Catalog;
  /** Put on every write route: the per-client write limit. */
  readonly writeLimit: RateLimitOptions;
}
