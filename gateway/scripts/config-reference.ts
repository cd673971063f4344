// Prints the configuration reference (Markdown) of a service from its schema: key, env var, type, default, meaning.
// node --conditions=source --import tsx gateway/scripts/config-reference.ts

import { pathToFileURL } from 'node:url';
import { configLeaves } from '@hvac-edge/shared';
import type { TSchema } from '@sinclair/typebox';
import { ENV_PREFIX, GatewayConfigSchema } from '../src/config.js';

function typeOf(s: TSchema): string {
  if (s.anyOf) return (s.anyOf as TSchema[]).map((x) => JSON.stringify(x.const)).join(' \\| ');
  if (s.type === 'array') return `${typeOf(s.items as TSchema)}[]`;
  const range = [s.minimum !== undefined ? `≥${s.minimum}` : '', s.maximum !== undefined ? `≤${s.maximum}` : '']
    .filter(Boolean)
    .join(', ');
  return `${String(s.type)}${range ? ` (${range})` : ''}`;
}

export function configReference(title: string, schema: typeof GatewayConfigSchema, prefix: string): string {
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
  console.log(configReference('Gateway', GatewayConfigSchema, ENV_PREFIX));
}
