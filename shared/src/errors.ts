/**
 * The one error base of hvac-edge. `code` is stable and machine-readable (logs, metrics, API bodies);
 * `retriable` tells the shared retry helper whether trying again can help.
 */
export class HvacError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Input that can never succeed as sent (bad config, invalid event). */
export class ValidationError extends HvacError {
  readonly problems: readonly string[];

  constructor(code: string, problems: readonly string[], prefix = 'invalid input') {
    super(code, `${prefix}: ${problems.join('; ')}`, { retriable: false });
    this.problems = problems;
  }
}

/** A dependency is down or overloaded; the same call may succeed later. */
export class UnavailableError extends HvacError {
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(code, message, { retriable: true, cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** An error that already knows its HTTP status: route handlers throw it, the error handler answers with it. */
export class HttpError extends HvacError {
  readonly statusCode: number;

  constructor(statusCode: number, message: string, code = `HTTP_${statusCode}`) {
    super(code, message, { retriable: statusCode >= 500 });
    this.statusCode = statusCode;
  }
}

/**
 * This item can never be delivered as it is (too large for the broker, refused by the TSDB as malformed): the
 * one item is set aside (dead-lettered, counted, logged) and the items behind it go on. Never used for outages.
 */
export class PoisonError extends HvacError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('POISON', message, { retriable: false, ...options });
  }
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof HvacError) return err.retriable;
  // Foreign errors (drivers, sockets) are retriable unless they say otherwise: a wrong "no" loses data, a wrong
  // "yes" only costs a bounded number of attempts.
  if (err && typeof err === 'object' && 'retriable' in err) return Boolean((err as { retriable: unknown }).retriable);
  return true;
}
