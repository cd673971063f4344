import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { configSection, secret } from './load-config.js';

/** TLS and SASL for every Kafka client (the gateway's forwarder and command relay, the cloud sink). */
export const KafkaSecurityProps = {
  ssl: configSection(
    {
      enabled: Type.Boolean({ default: false, description: 'TLS to the brokers' }),
      caFile: Type.String({ default: '', description: "PEM CA bundle; empty = the system's" }),
      certFile: Type.String({ default: '', description: 'PEM client certificate (mutual TLS)' }),
      keyFile: Type.String({ default: '', description: 'PEM client key (mutual TLS)' }),
      rejectUnauthorized: Type.Boolean({ default: true, description: 'verify the brokers’ certificates' }),
    },
    'TLS to the Kafka brokers',
  ),
  sasl: configSection(
    {
      mechanism: Type.Union(
        [Type.Literal('none'), Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')],
        { default: 'none', description: 'SASL mechanism (use with ssl.enabled: PLAIN sends the password as is)' },
      ),
      username: Type.String({ default: '' }),
      password: Type.String({ default: '', ...secret, description: '<PREFIX>KAFKA_SASL_PASSWORD_FILE' }),
    },
    'SASL authentication to the Kafka brokers',
  ),
};

const security = Type.Object(KafkaSecurityProps);
export type KafkaSecurity = Static<typeof security>;

/** The `ssl` and `sasl` options of a kafkajs client (structural: shared does not depend on kafkajs). */
export function kafkaSecurityOptions(s: Readonly<KafkaSecurity>, readFile = (p: string) => readFileSync(p, 'utf8')) {
  const ssl = s.ssl.enabled
    ? {
        rejectUnauthorized: s.ssl.rejectUnauthorized,
        ...(s.ssl.caFile ? { ca: [readFile(s.ssl.caFile)] } : {}),
        ...(s.ssl.certFile ? { cert: readFile(s.ssl.certFile) } : {}),
        ...(s.ssl.keyFile ? { key: readFile(s.ssl.keyFile) } : {}),
      }
    : undefined;
  const sasl =
    s.sasl.mechanism === 'none'
      ? undefined
      : { mechanism: s.sasl.mechanism, username: s.sasl.username, password: s.sasl.password };
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) } as {
    ssl?: { rejectUnauthorized: boolean; ca?: string[]; cert?: string; key?: string };
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  };
}
