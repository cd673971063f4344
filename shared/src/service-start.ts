import type { TObject } from '@sinclair/typebox';
import { loadConfigOrExit, unknownVariables } from './config/load-config.js';
import { createLogger, type Logger } from './logger.js';
import { SdNotify } from './sd-notify.js';

/**
 * The first steps of every service's main(): its configuration (or every problem and exit code 2), its logger,
 * a warning for each prefixed variable no setting reads, and its systemd notifier.
 */
export function startService<C extends { log: { level: string } }>(o: {
  program: string;
  service: string;
  load: () => C;
  schema: TObject;
  envPrefix: string;
}): { config: C; log: Logger; sd: SdNotify } {
  const config = loadConfigOrExit(o.program, o.load);
  const log = createLogger(o.service, { level: config.log.level });
  for (const warning of unknownVariables(o.schema, o.envPrefix)) log.warn(warning);
  const sd = new SdNotify({ onError: (err) => log.warn({ err }, 'sd_notify failed') });
  return { config, log, sd };
}
