/**
 * Reading Logplex lines: only Heroku's own lines about a dyno say how its
 * process ended; the same words printed by the process never count.
 */
import { describe, expect, it } from "vitest";
import { exitStatusOf, finalStateOf, parseLogLine, startedCommandOf } from "../../components/heroku/log-lines";

const at = "2026-11-28T21:35:54.123456+00:00";

describe("log lines", () => {
  it("splits a line into time, source, dyno and message", () => {
    expect(parseLogLine(`${at} app[run.4520]: {"page":3,"stored":100}`)).toEqual({ at, source: "app", dyno: "run.4520", message: '{"page":3,"stored":100}' });
    expect(parseLogLine(`${at} heroku[router]: at=info method=GET path="/"`)?.dyno).toBe("router");
    expect(parseLogLine("not a log line")).toBeUndefined();
    expect(parseLogLine(`${at} app[run.1]: `)?.message).toBe("");
  });

  it("reads the exit status, the final state and the start only from Heroku's own lines", () => {
    const exited = parseLogLine(`${at} heroku[run.4520]: Process exited with status 3`)!;
    expect(exitStatusOf(exited)).toBe(3);
    expect(finalStateOf(parseLogLine(`${at} heroku[run.4520]: State changed from up to complete`)!)).toBe("complete");
    expect(finalStateOf(parseLogLine(`${at} heroku[run.4520]: State changed from starting to crashed`)!)).toBe("crashed");
    expect(finalStateOf(parseLogLine(`${at} heroku[run.4520]: State changed from starting to up`)!)).toBeUndefined();
    expect(startedCommandOf(parseLogLine(`${at} heroku[run.4520]: Starting process with command \`node a.js --x 1\` by user ops@example.com`)!)).toBe(
      "node a.js --x 1",
    );
    // A process printing Heroku's words is still only the process talking.
    expect(exitStatusOf(parseLogLine(`${at} app[run.4520]: Process exited with status 0`)!)).toBeUndefined();
    expect(finalStateOf(parseLogLine(`${at} app[run.4520]: State changed from up to complete`)!)).toBeUndefined();
  });
});
