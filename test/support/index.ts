export * from './edgex-contract.js';
export * from './fixtures.js';
export * from './kafka/index.js';
export * from './metrics.js';
export * from './mongo/mongo-test-server.js';
export * from './mosquitto.js';
export * from './node-exporter.js';
export * from './process-server.js';
export * from './promtool.js';
export * from './service-process.js';
export * from './shipped-mosquitto.js';
export * from './system-binaries.js';
export * from './thread-cpu.js';
export * from './tls.js';
export * from './tsdb.js';
export * from './victoria-metrics.js';

/**
 * Whether the calling test file talks to a real Kafka or MongoDB server: then tests that need the wire-protocol
 * test servers' fault injection do not apply. Async so that benchmarks importing this module never load vitest.
 */
export async function realServerInUse(kind: 'kafka' | 'mongo'): Promise<boolean> {
  return (await import('./real-servers/inject.js')).realServerInUse(kind);
}
