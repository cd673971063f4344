import type Database from 'better-sqlite3';

export interface OutboxItem {
  seq: number;
  id: string;
  body: string;
  /** Set for a reading taken before the clock was synchronised: its body has no wall time yet. */
  untimed?: { monoNs: bigint; bootId: string };
}

/** Sent readings whose deletion waits for the next write; a backlog drain deletes them this many at a time. */
const SENT_BATCH = 50;

/**
 * The agent's durable queue of readings: a reading is written here (fsync) before any send and removed only after
 * the gateway acknowledged it. Past the disk budget the oldest readings go, counted.
 */
export class Outbox {
  private bytes: number;
  private count: number;
  private readonly sent = new Set<number>();

  constructor(
    private readonly db: Database.Database,
    private readonly maxBytes: number,
    private readonly onDrop: (n: number) => void = () => {},
  ) {
    const s = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox').get() as {
      n: number;
      b: number;
    };
    this.count = s.n;
    this.bytes = s.b;
  }

  get size(): { count: number; bytes: number } {
    return { count: this.count, bytes: this.bytes };
  }

  add(id: string, body: string, untimed?: OutboxItem['untimed']): void {
    const bytes = Buffer.byteLength(body);
    // One commit (one fsync) for the new reading and the deletion of those sent since: half the writes.
    this.db.transaction(() => {
      this.deleteSent();
      this.db
        .prepare('INSERT INTO outbox (id, body, bytes, mono_ns, boot_id) VALUES (?, ?, ?, ?, ?)')
        .run(id, body, bytes, untimed ? String(untimed.monoNs) : null, untimed?.bootId ?? null);
    })();
    this.count += 1;
    this.bytes += bytes;
    if (this.bytes > this.maxBytes) this.dropOldest();
  }

  private dropOldest(): void {
    let dropped = 0;
    this.db.transaction(() => {
      while (this.bytes > this.maxBytes && this.count > 1) {
        const row = this.db.prepare('SELECT seq, bytes FROM outbox ORDER BY seq LIMIT 1').get() as {
          seq: number;
          bytes: number;
        };
        this.db.prepare('DELETE FROM outbox WHERE seq = ?').run(row.seq);
        this.bytes -= row.bytes;
        this.count -= 1;
        dropped += 1;
      }
    })();
    if (dropped) this.onDrop(dropped);
  }

  /** Oldest first; readings already sent (deleted at the next write) are not among them. */
  peek(limit: number): OutboxItem[] {
    const rows = (
      this.db
        .prepare('SELECT seq, id, body, mono_ns, boot_id FROM outbox ORDER BY seq LIMIT ?')
        .all(limit + this.sent.size) as Array<{
        seq: number;
        id: string;
        body: string;
        mono_ns: string | null;
        boot_id: string | null;
      }>
    )
      .filter((r) => !this.sent.has(r.seq))
      .slice(0, limit);
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      body: r.body,
      ...(r.mono_ns !== null ? { untimed: { monoNs: BigInt(r.mono_ns), bootId: r.boot_id ?? '' } } : {}),
    }));
  }

  /** Gives an untimed reading its wall time (a new body), durably, before it is sent. */
  stamp(seq: number, body: string): void {
    const bytes = Buffer.byteLength(body);
    const prev = this.db.prepare('SELECT bytes FROM outbox WHERE seq = ?').get(seq) as { bytes: number } | undefined;
    if (!prev) return;
    this.db
      .prepare('UPDATE outbox SET body = ?, bytes = ?, mono_ns = NULL, boot_id = NULL WHERE seq = ?')
      .run(body, bytes, seq);
    this.bytes += bytes - prev.bytes;
  }

  /**
   * A reading the gateway acknowledged: gone from the outbox at once for every reader here, deleted on disk with
   * the next write (or once SENT_BATCH are waiting). A crash before that sends it again, and the gateway answers
   * 409 (already stored): the same outcome, for a fraction of an SD card's writes.
   */
  remove(seq: number): void {
    if (this.sent.has(seq)) return;
    const row = this.db.prepare('SELECT bytes FROM outbox WHERE seq = ?').get(seq) as { bytes: number } | undefined;
    if (!row) return;
    this.sent.add(seq);
    this.count -= 1;
    this.bytes -= row.bytes;
    if (this.sent.size >= SENT_BATCH) this.db.transaction(() => this.deleteSent())();
  }

  /** Deletes the readings sent since the last write (inside the caller's transaction). */
  private deleteSent(): void {
    if (this.sent.size === 0) return;
    const seqs = [...this.sent];
    this.db.prepare(`DELETE FROM outbox WHERE seq IN (${seqs.map(() => '?').join(',')})`).run(...seqs);
    this.sent.clear();
  }

  /** Writes the pending deletions (at shutdown). */
  flush(): void {
    this.db.transaction(() => this.deleteSent())();
  }
}
