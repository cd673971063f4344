import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
export const USER_HZ = 100;

export interface ThreadCpu {
  name: string;
  /** CPU time in user and kernel mode, in clock ticks (USER_HZ). */
  user: number;
  system: number;
}

/** User and kernel CPU time, in clock ticks, from a /proc stat file (of a process or of one of its threads). */
export function cpuTimes(statPath: string): { user: number; system: number } {
  // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
  const f = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { user: Number(f[11]), system: Number(f[12]) };
}

/**
 * CPU time of each thread of a process, by thread id, from /proc/<pid>/task (Linux). Threads that end between the
 * listing and the read are left out. The main thread's id is the process id.
 */
export function threadCpu(pid: number): Map<string, ThreadCpu> {
  const out = new Map<string, ThreadCpu>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(tid, { name, ...cpuTimes(`/proc/${pid}/task/${tid}/stat`) });
    } catch {}
  }
  return out;
}

/**
 * Each thread's CPU time since `before` (a threadCpu() of the same process), by thread id; a thread started since
 * counts from zero.
 */
export function threadCpuSince(pid: number, before: Map<string, ThreadCpu>): Map<string, ThreadCpu> {
  const out = new Map<string, ThreadCpu>();
  for (const [tid, t] of threadCpu(pid)) {
    const b = before.get(tid);
    out.set(tid, { name: t.name, user: t.user - (b?.user ?? 0), system: t.system - (b?.system ?? 0) });
  }
  return out;
}
