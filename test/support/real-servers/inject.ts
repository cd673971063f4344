import { inject } from 'vitest';

/**
 * The real server a real-server project provided (vitest's provide/inject), or undefined: in the `suite` project, in
 * benchmarks and outside vitest the wire-protocol test servers are used (or KAFKA_BROKERS / MONGO_URL).
 */
export function providedServer(key: 'realKafkaBrokers' | 'realMongoUrl' | 'realInfluxUrl'): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether this test file talks to a real Kafka or MongoDB server (a real-server project, or the env variables). */
export function realServerInUse(kind: 'kafka' | 'mongo'): boolean {
  return kind === 'kafka'
    ? Boolean(providedServer('realKafkaBrokers') ?? process.env.KAFKA_BROKERS)
    : Boolean(providedServer('realMongoUrl') ?? process.env.MONGO_URL);
}
