/**
 * The audit log: what administrators did (identified by Cloudflare Access)
 * and what the scheduled jobs deleted. Names users only by id.
 */
import type pg from "pg";

export interface AuditEntry {
  /** `access:<email>` for an administrator, `job:<name>` for a scheduled job. */
  readonly actor: string;
  readonly action: string;
  readonly target?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly requestId?: string;
}

export interface RecordedAuditEntry extends Required<Omit<AuditEntry, "requestId" | "target">> {
  readonly id: number;
  readonly at: string;
  readonly target: string | null;
  readonly requestId: string | null;
}

export class AuditLog {
  constructor(private readonly pool: pg.Pool) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.pool.query("INSERT INTO audit_log (actor, action, target, details, request_id) VALUES ($1, $2, $3, $4, $5)", [
      entry.actor,
      entry.action,
      entry.target ?? null,
      JSON.stringify(entry.details ?? {}),
      entry.requestId ?? null,
    ]);
  }

  async recent(limit: number): Promise<RecordedAuditEntry[]> {
    const { rows } = await this.pool.query<{ id: string; at: Date; actor: string; action: string; target: string | null; details: Record<string, unknown>; request_id: string | null }>(
      "SELECT id, at, actor, action, target, details, request_id FROM audit_log ORDER BY at DESC, id DESC LIMIT $1",
      [limit],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: row.details,
      requestId: row.request_id,
    }));
  }
}
