// pnpm chaos: the fault matrix at its long scale (CHAOS_SCALE=short for the quick one). Prints a table, then one
// JSON object on the last line: { lost, duplicatedPoints, scenarios, passed, results }.
import { LONG, type Outcome, SHORT } from './scenario.js';
import { runScenario, SCENARIOS } from './scenarios.js';

const scale = process.env.CHAOS_SCALE === 'short' ? SHORT : LONG;
const only = process.env.CHAOS_ONLY;
const results: Outcome[] = [];
for (const s of SCENARIOS) {
  if (only && !s.name.includes(only)) continue;
  if (s.needsTestBroker && process.env.KAFKA_BROKERS) continue;
  const r = await runScenario(s, scale).catch((err: Error) => ({
    scenario: s.name,
    lost: -1,
    duplicatedPoints: -1,
    passed: false,
    seconds: 0,
    detail: `failed to run: ${err.message}`,
  }));
  results.push(r);
  console.log(
    `${r.passed ? 'PASS' : 'FAIL'}  ${r.scenario.padEnd(62)} lost ${String(r.lost).padStart(3)}  dup ${String(r.duplicatedPoints).padStart(3)}  ${String(r.seconds).padStart(6)} s  ${r.detail}`,
  );
}
const sum = (k: 'lost' | 'duplicatedPoints') => results.reduce((n, r) => n + Math.max(0, r[k]), 0);
console.log(
  JSON.stringify({
    scale: scale.name,
    lost: sum('lost'),
    duplicatedPoints: sum('duplicatedPoints'),
    scenarios: results.length,
    passed: results.filter((r) => r.passed).length,
    results,
  }),
);
process.exit(results.every((r) => r.passed) ? 0 : 1);
