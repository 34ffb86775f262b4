import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** Settings of a Heroku Key-Value Store (Redis) add-on. */
export interface RedisConfigArgs {
  /** The Redis add-on: UUID (`Addon.addonId`) or global name. */
  readonly addon: pulumi.Input<string>;
  /**
   * Eviction when memory is full: `allkeys-lru` for caches, `noeviction` for queues. One of noeviction,
   * allkeys-lru, allkeys-lfu, volatile-lru, volatile-lfu, allkeys-random, volatile-random, volatile-ttl (checked).
   */
  readonly maxmemoryPolicy: pulumi.Input<string>;
  /** Seconds before idle connections close (0 = never). @default undefined (left as it is; Heroku's default is 300) */
  readonly timeout?: pulumi.Input<number>;
}

/**
 * Redis settings; removing the resource restores Heroku's defaults.
 *
 * @example
 * new RedisConfig("shop-redis-config", { addon: redis.addonId, maxmemoryPolicy: "allkeys-lru" });
 */
export class RedisConfig extends HerokuResource {
  /** Live policy. */
  declare readonly maxmemoryPolicy: pulumi.Output<string>;
  /** Live timeout, when managed. */
  declare readonly timeout: pulumi.Output<number | undefined>;

  constructor(name: string, args: RedisConfigArgs, opts?: pulumi.CustomResourceOptions) {
    super("redisConfig", "RedisConfig", name, { ...args, timeout: args.timeout }, opts);
  }
}
