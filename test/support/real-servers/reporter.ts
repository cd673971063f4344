import type { Reporter, TestModule } from 'vitest/node';
import { REAL_SERVER_VERSIONS } from './servers.js';

const SERVERS: Record<string, string> = {
  'real-kafka': `Apache Kafka ${REAL_SERVER_VERSIONS.kafka} (points: InfluxDB ${REAL_SERVER_VERSIONS.influxdb})`,
  'real-mongo': `FerretDB ${REAL_SERVER_VERSIONS.ferretdb}`,
};

/** Prints, at the end of a run, how many tests ran against each real server (and with what outcome). */
export default class RealServersReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, Record<string, number>>();
    for (const m of modules) {
      const server = SERVERS[m.project.name];
      if (!server) continue;
      const c = counts.get(server) ?? {};
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        c[state] = (c[state] ?? 0) + 1;
      }
      counts.set(server, c);
    }
    if (counts.size === 0) return;
    const line = [...counts]
      .map(([server, c]) => {
        const skipped = c.skipped
          ? `, ${c.skipped} skipped (fault injection: the wire-protocol test servers only)`
          : '';
        return `${server}: ${c.passed ?? 0} passed, ${c.failed ?? 0} failed${skipped}`;
      })
      .join('; ');
    process.stdout.write(`\nTests against real servers — ${line}\n`);
  }
}
