import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SinkConfigSchema } from '@hvac-edge/cloud-sink';
import { GatewayConfigSchema } from '@hvac-edge/gateway';
import { configLeaves } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bytesOf, deployedRuntime } from './support/deployed-runtime.js';
import { makeTempDir } from './support/index.js';

const file = (p: string) => readFileSync(new URL(`../deploy/${p}`, import.meta.url), 'utf8');

// No Docker engine here: the compose file and images are checked for what can be checked without one.
describe('deploy/compose (gateway node with MongoDB, Mosquitto and Kafka)', () => {
  const compose = parse(file('compose/compose.yaml')) as {
    services: Record<
      string,
      {
        environment?: Record<string, string>;
        depends_on?: Record<string, unknown>;
        build?: { dockerfile: string };
        mem_limit?: string;
      }
    >;
  };

  it('sets only configuration keys the services know', () => {
    const leaves = [...configLeaves(GatewayConfigSchema, 'GATEWAY_'), ...configLeaves(SinkConfigSchema, 'SINK_')];
    const known = new Set([
      ...leaves.map((l) => l.env),
      ...leaves.filter((l) => l.schema.secret).map((l) => `${l.env}_FILE`),
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

  it('publishes only the gateway API (and the InfluxDB, Prometheus and Grafana UIs on loopback); no broker, database or Kafka port', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) =>
      ((s as { ports?: string[] }).ports ?? []).map((p) => `${name} ${p}`),
    );
    expect(published.sort()).toEqual([
      'gateway 59880:59880',
      'grafana 127.0.0.1:3000:3000',
      'influxdb 127.0.0.1:8086:8086',
      'prometheus 127.0.0.1:9090:9090',
    ]);
  });

  it('takes every password and token from a secret file, none from a literal or a variable', () => {
    const raw = file('compose/compose.yaml');
    const env = Object.values(compose.services).flatMap((s) => Object.entries(s.environment ?? {}));
    const sensitive = env.filter(([k]) => /PASSWORD|TOKEN|SECRET|CREDENTIAL/.test(k));
    expect(sensitive.length).toBeGreaterThan(5);
    for (const [k, v] of sensitive) {
      expect(k, k).toMatch(/_FILE$/);
      expect(v, k).toMatch(/^\/run\/secrets\/\w+$/);
    }
    expect(raw).not.toMatch(/\$\{[A-Z_]*(TOKEN|PASSWORD)/);
    const declared = (parse(raw) as { secrets: Record<string, { file: string }> }).secrets;
    for (const [, v] of sensitive) expect(Object.keys(declared)).toContain(v.replace('/run/secrets/', ''));
    expect(file('compose/mosquitto.conf')).toMatch(/^allow_anonymous false$/m);
  });

  it('secrets.sh makes every secret file compose names, random and private', async () => {
    const dir = await makeTempDir('compose-secrets');
    try {
      const env = { ...process.env, SECRETS_DIR: dir };
      execFileSync(new URL('../deploy/compose/secrets.sh', import.meta.url).pathname, { env, stdio: 'pipe' });
      const declared = (parse(file('compose/compose.yaml')) as { secrets: Record<string, { file: string }> }).secrets;
      for (const { file: f } of Object.values(declared)) {
        const path = join(dir, f.replace('./secrets/', ''));
        expect(statSync(path).mode & 0o777, f).toBe(0o600);
        expect(readFileSync(path, 'utf8').length, f).toBeGreaterThanOrEqual(20);
      }
      const first = readFileSync(join(dir, 'gateway_admin_tokens'), 'utf8');
      // A second run keeps what exists.
      execFileSync(new URL('../deploy/compose/secrets.sh', import.meta.url).pathname, { env, stdio: 'pipe' });
      expect(readFileSync(join(dir, 'gateway_admin_tokens'), 'utf8')).toBe(first);
      expect(readFileSync(join(dir, 'mosquitto_passwd'), 'utf8')).toMatch(/^hvac-edge-gateway:\$7\$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(['gateway', 'cloud-sink'])(
    '%s image: a maintained Node LTS base, an exact release, digest-pinnable',
    (name) => {
      const dockerfile = file(`docker/${name}.Dockerfile`);
      const m = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)\.(\d+)-bookworm-slim(@sha256:[0-9a-f]{64})?$/m.exec(dockerfile);
      expect(m, 'ARG NODE_IMAGE=node:<major.minor.patch>-bookworm-slim[@sha256:…]').not.toBeNull();
      // Even majors are the LTS lines; 22 is maintained to 2027-04, 24 to 2028-04 (20 ended 2026-04).
      expect(Number(m?.[1]) % 2).toBe(0);
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(24);
      const from = `FROM $${'{NODE_IMAGE}'}`;
      expect(dockerfile.match(/^FROM .*/gm)).toEqual([`${from} AS build`, from]);
    },
  );

  it('pin-base-image.sh writes the digest Docker resolves, and refuses one that did not resolve', async () => {
    const dir = await makeTempDir('pin');
    try {
      const digest = `sha256:${'ab12'.repeat(16)}`;
      // A stand-in docker that answers imagetools inspect as Docker does.
      writeFileSync(
        join(dir, 'docker'),
        `#!/bin/sh\n[ "$4" = "$EXPECT_TAG" ] && printf 'Name: x\\nMediaType: y\\nDigest: ${digest}\\n'\n`,
        { mode: 0o755 },
      );
      const df = join(dir, 'a.Dockerfile');
      writeFileSync(df, `ARG NODE_IMAGE=node:24.22.3-bookworm-slim\nFROM $${'{NODE_IMAGE}'}\n`);
      const run = (tag: string) =>
        spawnSync(new URL('../deploy/docker/pin-base-image.sh', import.meta.url).pathname, {
          env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, DOCKERFILES: df, EXPECT_TAG: tag },
          encoding: 'utf8',
        });
      expect(run('node:24.22.3-bookworm-slim').status).toBe(0);
      expect(readFileSync(df, 'utf8')).toMatch(`ARG NODE_IMAGE=node:24.22.3-bookworm-slim@${digest}\n`);
      // Re-pinning resolves the tag again; a tag Docker does not know leaves the file as it was.
      expect(run('node:24.22.3-bookworm-slim').status).toBe(0);
      writeFileSync(df, 'ARG NODE_IMAGE=node:24.99.0-bookworm-slim\n');
      const bad = run('something-else');
      expect(bad.status).toBe(4);
      expect(bad.stderr).toMatch(/did not resolve to a digest/);
      expect(readFileSync(df, 'utf8')).toBe('ARG NODE_IMAGE=node:24.99.0-bookworm-slim\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds a non-root gateway image with a health check and a data volume', () => {
    const dockerfile = file('docker/gateway.Dockerfile');
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/readyz/m);
    expect(dockerfile).toMatch(/^VOLUME \/data$/m);
    expect(dockerfile).toMatch(/--prod/);
  });

  it("runs the gateway's image with the systemd unit's Node flags and malloc setting, capped at the unit's MemoryMax", () => {
    const unit = deployedRuntime();
    const dockerfile = file('docker/gateway.Dockerfile');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    const unitFlags = unit.nodeArgs.filter((a) => !a.startsWith('--max-old-space-size='));
    expect(cmd.filter((a) => a.startsWith('--'))).toEqual(unitFlags);
    for (const [k, v] of Object.entries(unit.env).filter(([k]) => k.startsWith('MALLOC_'))) {
      expect(dockerfile).toMatch(new RegExp(`\\b${k}=${v}\\b`));
    }
    expect(bytesOf(compose.services.gateway?.mem_limit ?? '0')).toBe(unit.memoryMaxBytes);
  });
});
