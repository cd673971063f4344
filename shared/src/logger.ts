import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values never reach a log line, whatever object they are logged in. */
export const REDACT_PATHS = [
  'password',
  'token',
  'tokens',
  'apiKey',
  'secret',
  'credential',
  'credentials',
  '*.password',
  '*.token',
  '*.tokens',
  '*.apiKey',
  '*.secret',
  '*.credential',
  '*.credentials',
  '*.*.password',
  '*.*.token',
  '*.*.tokens',
  '*.*.apiKey',
  '*.*.secret',
  'req.headers.authorization',
  'req.headers.credential',
  'req.headers.cookie',
  'headers.authorization',
  'headers.credential',
];

export interface LoggerConfig {
  level: string;
  /** Pretty output is for humans at a terminal; services log JSON. */
  pretty?: boolean;
}

/**
 * Creates the process's root logger. Modules get `root.child({ module: 'name' })`; errors go under `err`.
 */
export function createLogger(service: string, config: LoggerConfig, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level: config.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
