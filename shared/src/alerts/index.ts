export * from './alert-event.js';
export * from './mqtt-alert-sink.js';
