export * from './agent.js';
export * from './app.js';
export * from './config.js';
export * from './outbox/outbox.js';
export * from './quality.js';
export * from './sensor/sensor.js';
export * from './sensor/simulated-sensor.js';
export * from './transport/http-transport.js';
