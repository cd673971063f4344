import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the "source" export condition, so tests never
// need a build first.
const conditions = ['source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: {
    conditions,
    // The test harness is imported by every package's tests without being their dependency.
    alias: { '@hvac-edge/test/support': fileURLToPath(new URL('./test/support/index.ts', import.meta.url)) },
  },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    environment: 'node',
    // Two cores: integration tests start real servers and child processes; keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['{shared,gateway,device-agent,cloud-sink,test}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', 'test/fuzz/**'],
        },
      },
      // The fuzz suite measures /healthz latency and RSS of a gateway process: it runs after everything else,
      // alone, so that other tests' load on two cores is not charged to the gateway.
      {
        extends: true,
        test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
