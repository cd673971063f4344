import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput } from './process-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The services' entry points (TypeScript sources, run through tsx with the `source` condition). */
export const SERVICE_MAINS = {
  gateway: `${ROOT}gateway/src/main.ts`,
  agent: `${ROOT}device-agent/src/main.ts`,
  sink: `${ROOT}cloud-sink/src/main.ts`,
} as const;

export interface ServiceProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The last lines it printed (for failure messages and log assertions). */
  logs(): string;
  /** SIGTERM (graceful), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/** The services as built (`pnpm build`): what production runs, without the TypeScript loader (benchmarks). */
export const BUILT_MAINS = {
  gateway: `${ROOT}gateway/dist/main.js`,
  agent: `${ROOT}device-agent/dist/main.js`,
  sink: `${ROOT}cloud-sink/dist/main.js`,
} as const;

/**
 * One of the services as its own process, configured by environment variables only, as in production; from its
 * sources, or with `built` from dist (run `pnpm build` first).
 */
export function spawnService(
  service: keyof typeof SERVICE_MAINS,
  env: Record<string, string>,
  args: string[] = [],
  options: { built?: boolean; nodeArgs?: string[] } = {},
): ServiceProcess {
  const command = options.built
    ? [...(options.nodeArgs ?? []), BUILT_MAINS[service], ...args]
    : ['--conditions=source', '--import', 'tsx', SERVICE_MAINS[service], ...args];
  const proc = spawn(process.execPath, command, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = captureOutput(proc, 500);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    logs,
    async stop(graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
