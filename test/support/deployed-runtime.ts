import { readFileSync } from 'node:fs';

export const GATEWAY_UNIT = new URL('../../deploy/systemd/hvac-gateway.service', import.meta.url);

const MiB = 1024 * 1024;

/** How a systemd unit runs its Node service: what a benchmark needs to run it the same way. */
export interface DeployedRuntime {
  /** Node's flags from ExecStart, then (unless they set it) the V8 old-generation size Node derives from MemoryMax. */
  nodeArgs: string[];
  /** The unit's Environment= entries, less the service's own settings (GATEWAY_*), which a benchmark sets itself. */
  env: Record<string, string>;
  memoryMaxBytes: number;
}

/**
 * V8's old-generation limit for a process whose memory is capped at `bytes`: Node sizes V8's heap from the cgroup
 * limit when there is one (uv_get_constrained_memory), and V8 takes half of it on 64-bit, at least 256 MiB and at most
 * 4 GiB (Heap::HeapSizeFromPhysicalMemory). Checked here with Node 20 in memory cgroups of 512 MiB, 1 GiB and 2 GiB
 * (heap_size_limit 259, 524 and 1,048 MB) and without one on 24 GB (4,144 MB); 259 MB is exactly what
 * --max-old-space-size=256 gives outside a cgroup.
 */
export function oldSpaceMbFor(bytes: number): number {
  return Math.round(Math.min(Math.max(bytes / 2, 256 * MiB), 4096 * MiB) / MiB);
}

/** A systemd size (512M, 1G) or a compose one (512m) in bytes. */
export function bytesOf(size: string): number {
  const m = /^(\d+)([KMG])?$/i.exec(size);
  if (!m) throw new Error(`unsupported memory size ${size}`);
  const unit = (m[2] ?? '').toUpperCase() as 'K' | 'M' | 'G' | '';
  return Number(m[1]) * (unit ? { K: 1024, M: MiB, G: 1024 * MiB }[unit] : 1);
}

/**
 * Reads a unit's text (deploy/systemd/hvac-gateway.service by default), so that a benchmark runs the service under
 * the same Node flags, environment and V8 heap as the unit does, and cannot drift from it. Without this, Node would
 * size the heap from the benchmark machine's RAM, not from the unit's MemoryMax.
 */
export function deployedRuntime(text: string = readFileSync(GATEWAY_UNIT, 'utf8')): DeployedRuntime {
  const exec = /^ExecStart=(\S+)\s+(.*)$/m.exec(text);
  if (!exec) throw new Error('the unit has no ExecStart');
  const flags = (exec[2] as string).split(/\s+/).filter((a) => a.startsWith('--'));
  const memoryMax = /^MemoryMax=(\S+)$/m.exec(text)?.[1];
  if (!memoryMax) throw new Error('the unit has no MemoryMax');
  const memoryMaxBytes = bytesOf(memoryMax);
  const env: Record<string, string> = {};
  for (const [, key, value] of text.matchAll(/^Environment=([A-Z0-9_]+)=(.*)$/gm)) {
    if (!key?.startsWith('GATEWAY_')) env[key as string] = value as string;
  }
  // A size the unit sets itself wins over the one Node would derive.
  const derived = flags.some((f) => f.startsWith('--max-old-space-size='))
    ? []
    : [`--max-old-space-size=${oldSpaceMbFor(memoryMaxBytes)}`];
  return { nodeArgs: [...flags, ...derived], env, memoryMaxBytes };
}
