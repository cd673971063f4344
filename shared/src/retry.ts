import pRetry, { AbortError } from 'p-retry';
import { isRetriable } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries?: number;
  /** Never give up (until `signal` aborts); `retries` is then ignored. */
  forever?: boolean;
  /** First delay in ms; later delays grow by `factor`, capped at `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** Full jitter spreads a fleet's retries so they do not arrive together. */
  jitter?: boolean;
  signal?: AbortSignal;
  /** Called before each wait; for logs and retry metrics. */
  onRetry?: (err: unknown, attempt: number, retriesLeft: number) => void;
  /** Overrides the default rule (`HvacError.retriable`, else retry). */
  shouldRetry?: (err: unknown) => boolean;
}

/**
 * The one retry of the code base: exponential backoff with jitter (p-retry), and an immediate bail on errors that
 * say they are not retriable.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isRetriable;
  return pRetry(
    async (attempt) => {
      try {
        return await fn(attempt);
      } catch (err) {
        if (!shouldRetry(err)) throw new AbortError(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    },
    {
      // The underlying `retry` precomputes one delay per attempt: a huge `retries` would allocate them all.
      ...(options.forever ? { forever: true, retries: 30 } : { retries: options.retries ?? 5 }),
      minTimeout: options.minDelayMs ?? 200,
      maxTimeout: options.maxDelayMs ?? 30_000,
      factor: options.factor ?? 2,
      randomize: options.jitter ?? true,
      ...(options.signal ? { signal: options.signal } : {}),
      onFailedAttempt: (error) => {
        if (error.retriesLeft > 0) options.onRetry?.(unwrap(error), error.attemptNumber, error.retriesLeft);
      },
    },
  ).catch((err: unknown) => {
    throw unwrap(err);
  });
}

// p-retry wraps non-Error throws and AbortError wraps the original: callers see what `fn` threw.
function unwrap(err: unknown): unknown {
  if (err instanceof AbortError && 'originalError' in err) return (err as { originalError: unknown }).originalError;
  return err;
}

/** Delay for attempt n (1-based) with full jitter; for loops that own their own timing (outbox drain, forwarder). */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(minDelayMs / 2 + random() * (ceiling - minDelayMs / 2));
}
