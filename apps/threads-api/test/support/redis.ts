/**
 * Each test file gets its own Redis key prefix on the machine's Redis and
 * deletes exactly its own keys afterwards (the server is shared: never FLUSHALL).
 */
import { createTestRedis as createRedis, type TestRedis } from "../kit/redis.js";

export { REDIS_URL, type TestRedis } from "../kit/redis.js";

export function createTestRedis(label: string): Promise<TestRedis> {
  return createRedis(`threads-api-test:${label}`);
}
