/**
 * The `retention` scheduled job (daily): deletes ingested data older than
 * RETENTION_DAYS and expired refresh tokens, and records what it deleted in
 * the audit log.
 */
import { AuditLog } from "../data/audit-log.js";
import { applyRetention } from "../data/retention.js";
import { runJob } from "./run-job.js";

let stopRequested = false;
await runJob({
  name: "retention",
  async run({ env, pool, logger }) {
    const result = await applyRetention(pool, env.RETENTION_DAYS, new Date(), () => stopRequested);
    await new AuditLog(pool).record({ actor: "job:retention", action: "data.retention_applied", details: { retentionDays: env.RETENTION_DAYS, ...result } });
    logger.info({ retentionDays: env.RETENTION_DAYS, ...result }, "retention applied");
  },
  requestStop() {
    stopRequested = true;
  },
});
