/** Redis for shop-sentiment's tests: the machine's server, a key prefix per test file, a proxy to play outages (see the testkit). */
import { testKeyPrefix as keyPrefix } from "../kit/redis.js";

export { deleteKeysUnder, keysUnder, rawRedis, REDIS_URL, RedisProxy } from "../kit/redis.js";

/** A prefix no other test file or app uses. */
export function testKeyPrefix(label: string): string {
  return keyPrefix(`shop-sentiment-test:${label}`);
}
