export * from '../inference/command-sink.js';
export * from '../metrics.js';
export * from '../points.js';
export * from './embedded-sink.js';
export * from './sqlite-point-store.js';
