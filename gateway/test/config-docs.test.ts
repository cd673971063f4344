import { readFileSync } from 'node:fs';
import { loadConfig } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { configReference } from '../scripts/config-reference.js';
import { ENV_PREFIX, type GatewayConfig, GatewayConfigSchema, loadGatewayConfig } from '../src/config.js';

describe('gateway configuration', () => {
  it('docs/configuration.md is generated from the schema and current', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(doc).toContain(configReference('Gateway', GatewayConfigSchema, ENV_PREFIX));
  });

  it('the shipped example YAML is valid', () => {
    const example = new URL('../../deploy/config/gateway.example.yaml', import.meta.url).pathname;
    const files: Record<string, string> = {
      [example]: readFileSync(example, 'utf8'),
      '/etc/hvac-edge/tokens': 'token-for-the-example-0001\n',
    };
    const config = loadConfig<GatewayConfig>(GatewayConfigSchema, {
      prefix: ENV_PREFIX,
      env: { GATEWAY_CONFIG: example },
      readFile: (p) => files[p] ?? readFileSync(p, 'utf8'),
    });
    expect(config.http.legacyPorts).toEqual([48080, 48081]);
    expect(config.auth.tokens).toEqual(['token-for-the-example-0001']);
  });

  it('starts from defaults alone', () => {
    expect(loadGatewayConfig({}).http.port).toBe(59880);
  });
});
