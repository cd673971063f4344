import type { TestProject } from 'vitest/node';
import { startApacheKafka, startInfluxDb } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set in the real-server projects: the tests talk to this server instead of the wire-protocol test server. */
    realKafkaBrokers: string;
    realMongoUrl: string;
    realInfluxUrl: string;
  }
}

/**
 * The `real-kafka` project's global setup: one Apache Kafka and one InfluxDB for all its test files (the sink tests
 * write their points to InfluxDB through its v2-compatible write API).
 */
export default async function setup(project: TestProject) {
  const [kafka, influx] = await Promise.all([startApacheKafka(), startInfluxDb()]);
  project.provide('realKafkaBrokers', kafka.brokers.join(','));
  project.provide('realInfluxUrl', influx.url);
  console.log(
    `real servers: Apache Kafka ${kafka.version} at ${kafka.brokers.join(',')}, InfluxDB ${influx.version} at ${influx.url}`,
  );
  return async () => {
    await Promise.all([kafka.stop(), influx.stop()]);
  };
}
