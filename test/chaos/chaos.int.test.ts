import { describe, expect, it } from 'vitest';
import { SHORT } from './scenario.js';
import { runScenario, SCENARIOS } from './scenarios.js';

/**
 * The fault matrix, short: each scenario counts from what is stored at the end. `pnpm chaos` runs the long
 * versions and prints a table.
 */
describe('fault matrix (short)', () => {
  for (const s of SCENARIOS) {
    it.skipIf(s.needsTestBroker && Boolean(process.env.KAFKA_BROKERS))(s.name, { timeout: 240_000 }, async () => {
      const outcome = await runScenario(s, SHORT);
      expect(outcome, outcome.detail).toMatchObject({ lost: 0, duplicatedPoints: 0, passed: true });
    });
  }
});
