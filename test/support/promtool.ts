import { spawnSync } from 'node:child_process';
import { findSystemBinary } from './system-binaries.js';

/** Runs `promtool check metrics` on an exposition text; returns its exit status and what it printed. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const r = spawnSync(findSystemBinary('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
