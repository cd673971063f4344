import type { TestProject } from 'vitest/node';
import { startApacheKafka } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set in the real-server projects: the tests talk to this server instead of the wire-protocol test server. */
    realKafkaBrokers: string;
    realMongoUrl: string;
  }
}

/** The `real-kafka` project's global setup: one Apache Kafka for all its test files. */
export default async function setup(project: TestProject) {
  const kafka = await startApacheKafka();
  project.provide('realKafkaBrokers', kafka.brokers.join(','));
  console.log(`real server: Apache Kafka ${kafka.version} at ${kafka.brokers.join(',')}`);
  return () => kafka.stop();
}
