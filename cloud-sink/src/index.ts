export * from './app.js';
export * from './config.js';
export * from './inference/command-sink.js';
export * from './inference/recommender.js';
export * from './influx/point-writer.js';
export * from './kafka/events-consumer.js';
export * from './metrics.js';
export * from './points.js';
