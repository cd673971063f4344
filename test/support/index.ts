export * from './fixtures.js';
export * from './kafka/index.js';
export * from './mosquitto.js';
export * from './node-exporter.js';
export * from './process-server.js';
export * from './promtool.js';
export * from './system-binaries.js';
export * from './victoria-metrics.js';
