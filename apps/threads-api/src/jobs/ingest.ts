/**
 * The `ingest` scheduled job (every 10 minutes): queues every user who is
 * due and drains the Redis work queue, pulling posts and replies from
 * Threads and scoring them. With no users it has nothing to call and exits 0.
 */
import { createIngestRun } from "../ingestion/compose.js";
import type { IngestRun } from "../ingestion/ingest-run.js";
import { runJob } from "./run-job.js";

let run: IngestRun | undefined;
let stopRequested = false;
await runJob({
  name: "ingest",
  async run(context) {
    run = createIngestRun(context);
    if (stopRequested) run.requestStop();
    await run.run();
  },
  requestStop() {
    stopRequested = true;
    run?.requestStop();
  },
});
