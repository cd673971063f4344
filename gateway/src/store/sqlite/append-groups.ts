import { UnavailableError } from '@hvac-edge/shared';
import { type AppendResult, DuplicateEventError } from '../event-store.js';

/** Commits a group of rows (flat, four values per row) in one transaction; null for a row whose id was known. */
export type CommitGroup = (rows: Array<string | bigint>) => Promise<Array<AppendResult | null>>;

interface Queued {
  id: string;
  device: string;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * A turn that queues this many appends sends them to the writer at once instead of at the end of the turn: the
 * writer starts committing while the main thread goes on parsing, rather than the two taking turns. (Seen with
 * MQTT ingest, where all connections' next messages arrive in the turn that acknowledges the last batch.)
 */
const FLUSH_AT = 64;

/** A device whose next event arrives this soon after its last answer is taken to be waiting on its answers. */
const CLOSED_LOOP_MS = 100;

/**
 * Group commit for the embedded store: appends gather into groups, each one message to the writer thread and one
 * transaction (one fsync). Appends arriving while a group commits go together as the next; an append that finds the
 * writer idle waits up to `windowMs` for others (see waitsForOthers). Each append resolves once its group commits.
 */
export class AppendGroups {
  private queue: Queued[] = [];
  /** The queued appends' rows, flat (id, device, origin, body, ...): the cheapest thing to structured-clone. */
  private rows: Array<string | bigint> = [];
  private flushScheduled = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Devices answered within CLOSED_LOOP_MS, and when (performance.now()): see waitsForOthers. */
  private readonly answeredAt = new Map<string, number>();
  private answersPrunedAt = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly commit: CommitGroup,
    private readonly windowMs: number,
    /** Called once per event stored (not for a duplicate), before its append resolves. */
    private readonly onStored: () => void,
  ) {}

  /** Queues one event's row (as the writer thread takes it); resolves once its group commits. */
  add(id: string, device: string, origin: bigint, body: string): Promise<AppendResult> {
    this.rows.push(id, device, origin, body);
    return new Promise((resolve, reject) => {
      this.queue.push({ id, device, resolve, reject });
      if (this.queue.length >= FLUSH_AT) this.flush();
      else if (this.waitsForOthers(device)) {
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          this.flushTimer = setTimeout(() => this.flush(), this.windowMs);
        }
      } else {
        // A closed-loop device's append ends an open window: what waits goes with it at the end of this turn.
        if (this.flushTimer) this.cancelWindow();
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          // Requests parsed in this turn travel together; the writer merges whatever waits into one commit.
          setImmediate(() => this.flush());
        }
      }
    });
  }

  /** Sends what is queued and waits until every group sent has committed (or failed). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight);
  }

  /**
   * Whether an append waits up to windowMs for others to share its commit: only when the writer is idle (an append
   * arriving during a commit is the next group anyway), and only for a device that does not wait on its answers — a
   * client that sends its next event as soon as this one is answered (an agent draining its backlog, a closed-loop
   * load) would be slowed by the window at every event, with nobody else to share it with.
   */
  private waitsForOthers(device: string): boolean {
    if (this.windowMs <= 0 || this.inFlight.size > 0) return false;
    const answered = this.answeredAt.get(device);
    return answered === undefined || performance.now() - answered > CLOSED_LOOP_MS;
  }

  private cancelWindow(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushScheduled = false;
  }

  private flush(): void {
    this.cancelWindow();
    const batch = this.queue;
    if (batch.length === 0) return;
    const rows = this.rows;
    this.queue = [];
    this.rows = [];
    const done = this.commit(rows).then(
      (results) => {
        const answered = this.windowMs > 0 ? this.forgetOldAnswers() : undefined;
        batch.forEach((q, i) => {
          const r = results[i];
          if (answered !== undefined) this.answeredAt.set(q.device, answered);
          if (!r) q.reject(new DuplicateEventError(q.id));
          else {
            this.onStored();
            q.resolve(r);
          }
        });
      },
      (err: unknown) => {
        // The transaction rolled back: nothing of this group is stored, every caller may retry.
        const e = new UnavailableError('STORE_WRITE_FAILED', `event store write failed: ${(err as Error).message}`, {
          cause: err,
        });
        for (const q of batch) q.reject(e);
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** Now (ms, monotonic), after dropping the devices answered too long ago to count as waiting on their answers. */
  private forgetOldAnswers(): number {
    const now = performance.now();
    if (now - this.answersPrunedAt > CLOSED_LOOP_MS) {
      for (const [device, at] of this.answeredAt) if (now - at > CLOSED_LOOP_MS) this.answeredAt.delete(device);
      this.answersPrunedAt = now;
    }
    return now;
  }
}
