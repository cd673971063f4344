// Runs the Kafka test broker as a process of its own (benchmarks): prints {"brokers": [...]} and serves until
// SIGTERM. Test infrastructure only.
import { KafkaTestBroker } from './broker.js';

const broker = new KafkaTestBroker({ defaultPartitions: Number(process.env.PARTITIONS ?? 3) });
await broker.start();
console.log(JSON.stringify({ brokers: broker.brokers }));
process.on('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
