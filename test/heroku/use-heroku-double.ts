/**
 * One local Heroku double per test file: started before the file's tests,
 * the Heroku client's environment pointed at it (with fast retries and polls)
 * and its faults and request log cleared before each test, closed after —
 * once the file has shown that every request the providers sent was one the
 * API accepts (no field outside links.ts) and the double never failed itself.
 */
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { HerokuDouble } from "../heroku-double/index";
import { FAST_ENV, startDouble } from "./scenario";

export function useHerokuDouble(setup: (heroku: HerokuDouble) => void | Promise<void>): void {
  let heroku: HerokuDouble | undefined;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    heroku = await startDouble();
    await setup(heroku);
  });
  afterAll(async () => {
    expect(heroku?.violations).toEqual([]);
    expect(heroku?.internalErrors).toEqual([]);
    await heroku?.close();
    process.env = savedEnv;
  });
  beforeEach(() => {
    Object.assign(process.env, heroku!.env, FAST_ENV);
    heroku!.faults.clear();
    heroku!.clearRequests();
  });
}
