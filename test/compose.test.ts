import { readFileSync } from 'node:fs';
import { SinkConfigSchema } from '@hvac-edge/cloud-sink';
import { GatewayConfigSchema } from '@hvac-edge/gateway';
import { configLeaves } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const file = (p: string) => readFileSync(new URL(`../deploy/${p}`, import.meta.url), 'utf8');

// No Docker engine here: the compose file and images are checked for what can be checked without one.
describe('deploy/compose (gateway node with MongoDB, Mosquitto and Kafka)', () => {
  const compose = parse(file('compose/compose.yaml')) as {
    services: Record<
      string,
      { environment?: Record<string, string>; depends_on?: Record<string, unknown>; build?: { dockerfile: string } }
    >;
  };

  it('sets only configuration keys the services know', () => {
    const known = new Set([
      ...configLeaves(GatewayConfigSchema, 'GATEWAY_').map((l) => l.env),
      ...configLeaves(SinkConfigSchema, 'SINK_').map((l) => l.env),
    ]);
    const used = Object.values(compose.services).flatMap((s) =>
      Object.keys(s.environment ?? {}).filter((k) => k.startsWith('GATEWAY_') || k.startsWith('SINK_')),
    );
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((k) => !known.has(k))).toEqual([]);
  });

  it('runs the gateway on MongoDB with MQTT ingest and Kafka, after its dependencies are healthy', () => {
    const gw = compose.services.gateway;
    expect(gw?.environment).toMatchObject({ GATEWAY_STORE_KIND: 'mongodb', GATEWAY_MQTT_ENABLED: 'true' });
    expect(Object.keys(gw?.depends_on ?? {}).sort()).toEqual(['kafka', 'mongo', 'mosquitto']);
    for (const s of Object.values(compose.services)) {
      if (s.build) expect(() => file(s.build?.dockerfile.replace('deploy/', '') ?? '')).not.toThrow();
    }
  });

  it('builds a non-root gateway image with a health check and a data volume', () => {
    const dockerfile = file('docker/gateway.Dockerfile');
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/readyz/m);
    expect(dockerfile).toMatch(/^VOLUME \/data$/m);
    expect(dockerfile).toMatch(/--prod/);
  });
});
