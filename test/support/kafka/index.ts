export { KafkaTestBroker, type KafkaTestBrokerOptions } from './broker.js';
export { ApiKey, ErrorCode } from './codec.js';
export * from './for-tests.js';
