// Prints the configuration reference (Markdown) of a service from its schema: key, env var, type, default, meaning.
// node --conditions=source --import tsx scripts/config-reference.ts > docs/configuration.md

import { pathToFileURL } from 'node:url';
import { SINK_ENV_PREFIX, SinkConfigSchema } from '@hvac-edge/cloud-sink';
import { AGENT_ENV_PREFIX, AgentConfigSchema } from '@hvac-edge/device-agent';
import { ENV_PREFIX, GatewayConfigSchema } from '@hvac-edge/gateway';
import { configLeaves } from '@hvac-edge/shared';
import type { TObject, TSchema } from '@sinclair/typebox';

/** A schema's type in one cell: unions, ranges, and the shape of nested objects (`{ name: string, url?: string }[]`). */
function typeOf(s: TSchema): string {
  if (s.anyOf)
    return (s.anyOf as TSchema[])
      .map((x) => (x.const !== undefined ? JSON.stringify(x.const) : typeOf(x)))
      .join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === 'array') {
    const item = typeOf(s.items as TSchema);
    return `${item.includes(' ') && !item.startsWith('{') ? `(${item})` : item}[]`;
  }
  if (s.type === 'object' && s.properties) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const fields = Object.entries(s.properties as Record<string, TSchema>).map(
      ([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${typeOf(v)}`,
    );
    return `{ ${fields.join(', ')} }`;
  }
  if (s.type === 'object' && s.patternProperties) {
    return `map of ${Object.values(s.patternProperties as Record<string, TSchema>)
      .map(typeOf)
      .join(' \\| ')}`;
  }
  const range = [s.minimum !== undefined ? `≥${s.minimum}` : '', s.maximum !== undefined ? `≤${s.maximum}` : '']
    .filter(Boolean)
    .join(', ');
  return `${String(s.type)}${range ? ` (${range})` : ''}`;
}

export function configReference(title: string, schema: TObject, prefix: string): string {
  const rows = configLeaves(schema, prefix).map((l) => {
    const d = l.schema.default === undefined ? '(required)' : `\`${JSON.stringify(l.schema.default)}\``;
    const secret = l.schema.secret ? ` Secret: also \`${l.env}_FILE\`.` : '';
    return `| \`${l.path.join('.')}\` | \`${l.env}\` | ${typeOf(l.schema)} | ${d} | ${l.schema.description ?? ''}${secret} |`;
  });
  return [`### ${title}`, '', '| key | env | type | default | notes |', '|---|---|---|---|---|', ...rows, ''].join(
    '\n',
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(allConfigReference());
}

/** The whole of docs/configuration.md. */
export function allConfigReference(): string {
  return [
    '# Configuration reference',
    '',
    'Generated from the schemas by `node --conditions=source --import tsx scripts/config-reference.ts`; a test keeps it current.',
    'Precedence: schema default < YAML file (`GATEWAY_CONFIG`, `AGENT_CONFIG`) < environment. Secrets: `<ENV>_FILE`.',
    '',
    configReference('Gateway (`GATEWAY_` prefix)', GatewayConfigSchema, ENV_PREFIX),
    configReference('Device agent (`AGENT_` prefix)', AgentConfigSchema, AGENT_ENV_PREFIX),
    configReference('Cloud sink (`SINK_` prefix)', SinkConfigSchema, SINK_ENV_PREFIX),
  ].join('\n');
}
