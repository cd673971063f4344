import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One series of the NAB corpus: its values and its anomaly windows as inclusive row ranges. */
export interface NabSeries {
  name: string;
  timesMs: number[];
  values: number[];
  windows: Array<[number, number]>;
}

/** NAB timestamps ("2013-12-10 06:25:00" and "… .000000" in the labels) are UTC wall times. */
const parseTime = (s: string) =>
  Date.parse(
    `${s
      .trim()
      .replace(' ', 'T')
      .replace(/\.\d+$/, '')}Z`,
  );

/** Reads `data/<group>/<file>.csv` and `labels/combined_windows.json` from a copy of the NAB repository. */
export function readNabCorpus(root: string): NabSeries[] {
  const labels = JSON.parse(readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    Array<[string, string]>
  >;
  const out: NabSeries[] = [];
  for (const name of Object.keys(labels).sort()) {
    const text = readFileSync(join(root, 'data', name), 'utf8');
    const timesMs: number[] = [];
    const values: number[] = [];
    for (const line of text.split('\n').slice(1)) {
      const comma = line.indexOf(',');
      if (comma < 0) continue;
      timesMs.push(parseTime(line.slice(0, comma)));
      values.push(Number(line.slice(comma + 1)));
    }
    const windows = (labels[name] ?? []).map(([a, b]): [number, number] => {
      const start = parseTime(a);
      const end = parseTime(b);
      let i = timesMs.findIndex((t) => t >= start);
      if (i < 0) i = timesMs.length - 1;
      let j = timesMs.length - 1;
      while (j > 0 && (timesMs[j] as number) > end) j--;
      return [i, Math.max(i, j)];
    });
    out.push({ name, timesMs, values, windows });
  }
  return out;
}
