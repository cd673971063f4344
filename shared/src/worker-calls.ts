import type { Worker } from 'node:worker_threads';

/** A worker's answer to one call: `{ id, ok, result }` or `{ id, ok: false, error: { message, code } }`. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code?: string } };

/**
 * Calls into a worker thread that answers `{ id, op, args }` messages with a WorkerReply (the SQLite writer
 * threads). Its first message (ready) resolves `start`; a worker that fails or exits fails every open call, and
 * every later one with `unavailable(reason)`. An error keeps the worker's `code` (SQLITE_FULL, ...).
 */
export class WorkerCalls {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private nextId = 1;
  private readonly open = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  constructor(private readonly unavailable: (reason: string) => Error) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  async start(worker: Worker): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => {
        worker.off('error', reject);
        resolve();
      });
    });
    worker.on('message', (m: WorkerReply) => this.answer(m));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.worker) this.failAll(new Error(`exited with code ${code}`));
    });
    this.worker = worker;
    this.failure = undefined;
  }

  call<T>(op: string, ...args: unknown[]): Promise<T> {
    const worker = this.worker;
    if (!worker) return Promise.reject(this.unavailable(this.failure ? `failed: ${this.failure.message}` : 'not open'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.open.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args });
    });
  }

  /** Sends `close` (the worker closes what it holds and answers), then ends the thread. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.call('close');
    this.worker = undefined;
    await worker.terminate();
  }

  private answer(m: WorkerReply): void {
    const call = this.open.get(m.id);
    if (!call) return;
    this.open.delete(m.id);
    if (m.ok) call.resolve(m.result);
    else call.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
  }

  private failAll(err: Error): void {
    this.failure = err;
    this.worker = undefined;
    for (const c of this.open.values()) c.reject(err);
    this.open.clear();
  }
}
