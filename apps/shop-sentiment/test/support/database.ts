/** Each test file gets a database of its own on the machine's Postgres, dropped when the file is done. */
import { createTestDatabase as createDatabase, type TestDatabase } from "../kit/database.js";

export { adminQuery, type TestDatabase } from "../kit/database.js";

export function createTestDatabase(label: string): Promise<TestDatabase> {
  return createDatabase(`shop_sentiment_test_${label}`);
}
