import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { loadConfig, maskSecrets, secret, ValidationError } from '../src/index.js';

const Schema = Type.Object({
  http: Type.Object(
    {
      host: Type.String({ default: '0.0.0.0' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, default: 59880 }),
    },
    { default: {}, additionalProperties: false },
  ),
  gatewayId: Type.String({ minLength: 1 }),
  auth: Type.Object(
    {
      tokens: Type.Array(Type.String({ minLength: 1 }), { default: [], ...secret }),
      enabled: Type.Boolean({ default: false }),
    },
    { default: {}, additionalProperties: false },
  ),
  weather: Type.Object(
    { apiKey: Type.String({ default: '', ...secret }) },
    { default: {}, additionalProperties: false },
  ),
});

interface Cfg {
  http: { host: string; port: number };
  gatewayId: string;
  auth: { tokens: string[]; enabled: boolean };
  weather: { apiKey: string };
}

const files: Record<string, string> = {
  '/etc/hvac/gateway.yaml': 'gatewayId: pi-1\nhttp:\n  port: 7000\n',
  '/run/secrets/owm': 'sekret-key\n',
  '/run/secrets/tokens': 'a,b\n',
  '/etc/hvac/secret-in-yaml.yaml': 'gatewayId: g\nweather:\n  apiKeyFile: /run/secrets/owm\n',
  '/etc/hvac/bad.yaml': 'gatewayId: [\n',
};
const readFile = (p: string) => {
  const text = files[p];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return text;
};
const load = (env: Record<string, string>, file?: string) =>
  loadConfig<Cfg>(Schema, { prefix: 'GATEWAY_', env, readFile, ...(file ? { file } : {}) });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return [...(err as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}

describe('loadConfig', () => {
  it('fills defaults and coerces env strings', () => {
    const c = load({ GATEWAY_GATEWAY_ID: 'g1', GATEWAY_HTTP_PORT: '8080', GATEWAY_AUTH_ENABLED: 'true' });
    expect(c).toEqual({
      http: { host: '0.0.0.0', port: 8080 },
      gatewayId: 'g1',
      auth: { tokens: [], enabled: true },
      weather: { apiKey: '' },
    });
  });

  it('reports a missing key with its env name', () => {
    expect(problemsOf(() => load({}))).toEqual(['gatewayId is required (env GATEWAY_GATEWAY_ID)']);
  });

  it('reports a wrong type with the key, the env var and what was expected', () => {
    const problems = problemsOf(() => load({ GATEWAY_GATEWAY_ID: 'g', GATEWAY_HTTP_PORT: 'eighty' }));
    expect(problems).toEqual(['http.port must be integer (env GATEWAY_HTTP_PORT)']);
  });

  it('lists every error at once', () => {
    const problems = problemsOf(() => load({ GATEWAY_HTTP_PORT: '70000', GATEWAY_AUTH_ENABLED: 'maybe' }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/gatewayId is required/);
    expect(problems.join('\n')).toMatch(/http\.port must be <= 65535/);
    expect(problems.join('\n')).toMatch(/auth\.enabled must be boolean/);
  });

  it('reads secrets from *_FILE', () => {
    const c = load({
      GATEWAY_GATEWAY_ID: 'g',
      GATEWAY_WEATHER_API_KEY_FILE: '/run/secrets/owm',
      GATEWAY_AUTH_TOKENS_FILE: '/run/secrets/tokens',
    });
    expect(c.weather.apiKey).toBe('sekret-key');
    expect(c.auth.tokens).toEqual(['a', 'b']);
  });

  it('reads a secret file named in YAML', () => {
    expect(load({}, '/etc/hvac/secret-in-yaml.yaml').weather.apiKey).toBe('sekret-key');
  });

  it('names an unreadable secret file', () => {
    const problems = problemsOf(() => load({ GATEWAY_GATEWAY_ID: 'g', GATEWAY_WEATHER_API_KEY_FILE: '/nope' }));
    expect(problems).toEqual(['GATEWAY_WEATHER_API_KEY_FILE: cannot read secret file /nope: ENOENT']);
  });

  it('applies defaults < YAML < env precedence', () => {
    expect(load({}, '/etc/hvac/gateway.yaml').http.port).toBe(7000);
    expect(load({ GATEWAY_HTTP_PORT: '9000' }, '/etc/hvac/gateway.yaml').http.port).toBe(9000);
    expect(load({ GATEWAY_CONFIG: '/etc/hvac/gateway.yaml' }).gatewayId).toBe('pi-1');
  });

  it('rejects unknown keys in YAML and unparsable YAML', () => {
    files['/etc/hvac/typo.yaml'] = 'gatewayId: g\nhttp:\n  prot: 1\n';
    expect(problemsOf(() => load({}, '/etc/hvac/typo.yaml'))).toEqual(['http.prot is not a known field']);
    expect(problemsOf(() => load({}, '/etc/hvac/bad.yaml'))[0]).toMatch(/config file \/etc\/hvac\/bad\.yaml/);
  });

  it('freezes the result', () => {
    const c = load({ GATEWAY_GATEWAY_ID: 'g' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(() => {
      (c.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('masks secrets', () => {
    const c = load({ GATEWAY_GATEWAY_ID: 'g', GATEWAY_WEATHER_API_KEY: 'k', GATEWAY_AUTH_TOKENS: 'x,y' });
    const masked = maskSecrets(c, Schema);
    expect(masked.weather.apiKey).toBe('***');
    expect(masked.auth.tokens).toEqual(['***', '***']);
    expect(c.weather.apiKey).toBe('k');
  });
});
