import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the "source" export condition, so tests never
// need a build first.
const conditions = ['source', 'node', 'import', 'module', 'default'];

/** Tests that need a real server: not in the `suite` project. */
const REAL_ONLY = ['cloud-sink/test/report-naming.int.test.ts', 'gateway/test/northbound/broker-restart.int.test.ts'];
/** The integration tests that talk to Kafka (startKafkaForTests / startKafkaBrokerProcess). */
const KAFKA_TESTS = [
  'gateway/test/northbound/forwarding.int.test.ts',
  'gateway/test/northbound/crash.int.test.ts',
  'cloud-sink/test/sink.int.test.ts',
  'cloud-sink/test/crash.int.test.ts',
  'cloud-sink/test/inference.int.test.ts',
  'device-agent/test/downlink.int.test.ts',
  'test/e2e.int.test.ts',
  'test/origin-exactness.int.test.ts',
  'test/support/kafka-broker.int.test.ts',
  // Real servers only: InfluxDB 1.x; an Apache Kafka restarted on its data.
  'cloud-sink/test/report-naming.int.test.ts',
  'gateway/test/northbound/broker-restart.int.test.ts',
];
/** The integration tests that talk to MongoDB (startMongoForTests). */
const MONGO_TESTS = ['gateway/test/store/mongo-event-store.int.test.ts', 'gateway/test/mongo-gateway.int.test.ts'];

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
    reporters: ['default', './test/support/real-servers/reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['{shared,gateway,device-agent,cloud-sink,test}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', 'test/fuzz/**', ...REAL_ONLY],
        },
      },
      // The Kafka and MongoDB integration tests again, against real servers the test command installed
      // (scripts/ensure-real-servers.mjs) and these projects start: Apache Kafka and FerretDB. The wire-protocol
      // test servers stay for fault injection and quick runs (the `suite` project).
      {
        extends: true,
        test: {
          name: 'real-kafka',
          include: KAFKA_TESTS,
          globalSetup: ['test/support/real-servers/kafka-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'real-mongo',
          include: MONGO_TESTS,
          globalSetup: ['test/support/real-servers/mongo-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      // The fuzz suite measures /healthz latency and RSS of a gateway process: it runs after everything else,
      // alone, so that other tests' load on two cores is not charged to the gateway.
      {
        extends: true,
        test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], sequence: { groupOrder: 2 } },
      },
    ],
  },
});
