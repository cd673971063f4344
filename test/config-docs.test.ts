import { readFileSync } from 'node:fs';
import { type AgentConfig, AgentConfigSchema, loadAgentConfig } from '@hvac-edge/device-agent';
import { ENV_PREFIX, type GatewayConfig, GatewayConfigSchema, loadGatewayConfig } from '@hvac-edge/gateway';
import { loadConfig } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { allConfigReference } from '../scripts/config-reference.js';

describe('configuration', () => {
  it('docs/configuration.md is generated from the schema and current', () => {
    const doc = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    expect(doc.trim()).toBe(allConfigReference().trim());
  });

  it('the shipped example YAML is valid', () => {
    const example = new URL('../deploy/config/gateway.example.yaml', import.meta.url).pathname;
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

  it('starts from defaults alone on loopback; off loopback, not without tokens (or an explicit anonymous opt-in)', () => {
    expect(loadGatewayConfig({ GATEWAY_HTTP_HOST: '127.0.0.1' }).http.port).toBe(59880);
    expect(() => loadGatewayConfig({})).toThrow(
      /http\.host 0\.0\.0\.0 is reachable from the network and no auth\.tokens are set.*auth\.allowAnonymous/,
    );
    expect(loadGatewayConfig({ GATEWAY_AUTH_TOKENS: 'device-token-00000001' }).http.host).toBe('0.0.0.0');
    expect(loadGatewayConfig({ GATEWAY_AUTH_ALLOW_ANONYMOUS: 'true' }).auth.allowAnonymous).toBe(true);
    expect(loadAgentConfig({}).sensor.periodSeconds).toBe(10);
  });

  it('the shipped agent example YAML is valid', () => {
    const example = new URL('../deploy/config/agent.example.yaml', import.meta.url).pathname;
    const c = loadConfig<AgentConfig>(AgentConfigSchema, {
      prefix: 'AGENT_',
      env: { AGENT_CONFIG: example },
      readFile: (p) => (p === '/etc/hvac-edge/agent-token' ? 'agent-token-0001\n' : readFileSync(p, 'utf8')),
    });
    expect(c.gateway.token).toBe('agent-token-0001');
    expect(c.sensor.kind).toBe('dht22');
    expect(c.actuator.kind).toBe('gpio');
  });
});
