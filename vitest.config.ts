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
    include: ['{shared,gateway,device-agent,cloud-sink,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    // Two cores: integration tests start real servers and child processes; keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
