export * from './embedded-sink.js';
export * from './sqlite-point-store.js';
