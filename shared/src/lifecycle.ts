import type { Logger } from 'pino';
import { expectedFailure } from './cli.js';

export interface Component {
  name: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/**
 * Starts components in order and stops the started ones in reverse, once. A failed start stops what already
 * started, then rethrows: a half-started process never lingers.
 */
export class Lifecycle {
  private readonly started: Component[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly log: Logger,
    private readonly components: Component[] = [],
  ) {}

  add(component: Component): this {
    this.components.push(component);
    return this;
  }

  async start(): Promise<void> {
    for (const c of this.components) {
      const t0 = performance.now();
      try {
        await c.start?.();
      } catch (err) {
        // An expected failure (a port in use, a missing file) is one line for the operator, not a stack.
        const expected = expectedFailure(err, c.name);
        if (expected)
          this.log.error(
            { component: c.name, reason: expected.message },
            'start failed; stopping what already started',
          );
        else this.log.error({ err, component: c.name }, 'start failed; stopping what already started');
        await this.stop();
        throw err;
      }
      this.started.push(c);
      this.log.debug({ component: c.name, ms: Math.round(performance.now() - t0) }, 'started');
    }
  }

  /** Idempotent: concurrent and repeated calls share one shutdown. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    while (this.started.length > 0) {
      const c = this.started.pop() as Component;
      try {
        await c.stop?.();
        this.log.debug({ component: c.name }, 'stopped');
      } catch (err) {
        // Keep going: one component failing to close must not keep the store from closing.
        this.log.error({ err, component: c.name }, 'stop failed');
      }
    }
  }
}

export interface SignalOptions {
  /** A shutdown longer than this exits with code 1 anyway. */
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * Routes SIGTERM/SIGINT to `shutdown`, then exits. A second signal during shutdown exits at once.
 * Returns a function that removes the handlers.
 */
export function handleSignals(log: Logger, shutdown: () => Promise<void>, options: SignalOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? 30_000;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      log.warn({ signal }, 'second signal during shutdown; exiting now');
      exit(1);
      return;
    }
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out');
      exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => {
        clearTimeout(timer);
        log.info('shutdown complete');
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(timer);
        log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
