import { readFileSync } from 'node:fs';
import { Kind, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { closest } from 'fastest-levenshtein';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../errors.js';
import { createAjv, formatAjvErrors } from '../schema-validation.js';

/**
 * A config section: an object that may be left out entirely (its fields' defaults apply) and that rejects
 * unknown keys, so a typo in YAML is an error, not a silently ignored setting.
 */
export function configSection<T extends TProperties>(props: T, description?: string) {
  return Type.Object(props, { default: {}, additionalProperties: false, ...(description ? { description } : {}) });
}

/** Mark a config leaf as secret: masked in /config output, readable from `<ENV>_FILE`, redacted in logs. */
export const secret = { secret: true } as const;

export interface Leaf {
  path: string[];
  env: string;
  schema: TSchema;
}

function isObjectSchema(s: TSchema): s is TObject {
  return s[Kind] === 'Object' && typeof s.properties === 'object';
}

function toEnvSegment(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Every leaf of a config schema with its environment variable name (prefix + UPPER_SNAKE path). */
export function configLeaves(schema: TObject, prefix: string): Leaf[] {
  const out: Leaf[] = [];
  const walk = (s: TObject, path: string[]) => {
    for (const [key, child] of Object.entries(s.properties)) {
      const p = [...path, key];
      if (isObjectSchema(child)) walk(child, p);
      else out.push({ path: p, env: `${prefix}${p.map(toEnvSegment).join('_')}`, schema: child });
    }
  };
  walk(schema, []);
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function getPath(source: unknown, path: string[]): unknown {
  let node = source;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function envValue(raw: string, schema: TSchema): unknown {
  if (schema.type === 'array') {
    const trimmed = raw.trim();
    if (trimmed.startsWith('[')) return JSON.parse(trimmed);
    return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
  }
  if (schema.type === 'object' || (schema[Kind] === 'Record' && raw.trim().startsWith('{'))) return JSON.parse(raw);
  return raw;
}

export interface LoadConfigOptions {
  /** e.g. "GATEWAY_": env vars are GATEWAY_HTTP_PORT for http.port. */
  prefix: string;
  env?: NodeJS.ProcessEnv;
  /** YAML file; defaults to the `<prefix>CONFIG` env var when set. */
  file?: string;
  /** Highest-precedence values (tests, CLI flags). */
  overrides?: Record<string, unknown>;
  readFile?: (path: string) => string;
  /** Rules across keys, checked once the schema holds; each returns a problem or undefined. */
  rules?: Array<(config: never) => string | undefined>;
}

/**
 * Resolves a service's config: schema defaults < YAML file < environment < overrides. Secrets may come from
 * `<ENV>_FILE` or, in YAML, a sibling `<key>File`. All problems are reported at once; the result is frozen.
 */
export function loadConfig<T>(schema: TObject, options: LoadConfigOptions): Readonly<T> {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const problems: string[] = [];
  const leaves = configLeaves(schema, options.prefix);

  let raw: Record<string, unknown> = {};
  const file = options.file ?? env[`${options.prefix}CONFIG`];
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFile(file));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push(`${file}: top level must be a mapping`);
        else raw = parsed as Record<string, unknown>;
      }
    } catch (err) {
      problems.push(`config file ${file}: ${(err as Error).message}`);
    }
  }

  for (const leaf of leaves) {
    if (leaf.schema.secret) {
      const parentPath = leaf.path.slice(0, -1);
      const fileKey = `${leaf.path[leaf.path.length - 1]}File`;
      const yamlFile = getPath(raw, [...parentPath, fileKey]);
      if (yamlFile !== undefined) {
        const parent = parentPath.length ? getPath(raw, parentPath) : raw;
        delete (parent as Record<string, unknown>)[fileKey];
        if (typeof yamlFile !== 'string') problems.push(`${[...parentPath, fileKey].join('.')} must be a file path`);
        else readSecret(yamlFile, leaf, raw, readFile, problems, [...parentPath, fileKey].join('.'));
      }
    }
    const fromFile = env[`${leaf.env}_FILE`];
    if (fromFile) readSecret(fromFile, leaf, raw, readFile, problems, `${leaf.env}_FILE`);
    const fromEnv = env[leaf.env];
    if (fromEnv !== undefined) {
      try {
        setPath(raw, leaf.path, envValue(fromEnv, leaf.schema));
      } catch (err) {
        problems.push(`${leaf.env}: ${(err as Error).message}`);
      }
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) setPath(raw, key.split('.'), value);

  const ajv = createAjv({ coerceTypes: true, useDefaults: true });
  const check = ajv.compile(schema);
  if (!check(raw)) {
    const envByPath = new Map(leaves.map((l) => [l.path.join('.'), l.env]));
    for (const line of formatAjvErrors(check.errors)) {
      const key = line.split(' ')[0] ?? '';
      const envName = envByPath.get(key);
      problems.push(envName ? `${line} (env ${envName})` : line);
    }
  } else {
    for (const rule of options.rules ?? []) {
      const problem = rule(raw as never);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new ValidationError('CONFIG_INVALID', problems, 'invalid configuration');
  return deepFreeze(raw as T);
}

function readSecret(
  path: string,
  leaf: Leaf,
  raw: Record<string, unknown>,
  readFile: (p: string) => string,
  problems: string[],
  from: string,
): void {
  try {
    setPath(raw, leaf.path, envValue(readFile(path).trim(), leaf.schema));
  } catch (err) {
    problems.push(
      `${from}: cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** `scheme://user:password@host` with the password masked; other strings unchanged. */
export function maskUrlPassword(s: string): string {
  return s.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]+@/, '$1***@');
}

function maskUrls(v: unknown): unknown {
  if (typeof v === 'string') return maskUrlPassword(v);
  if (Array.isArray(v)) return v.map(maskUrls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskUrls(x)]));
  return v;
}

/**
 * A copy of `config` with every secret leaf replaced by "***", and the password of every URL with credentials
 * (`mqtt://user:pass@host`) masked wherever it stands (for /config endpoints and start-up logs).
 */
export function maskSecrets<T>(config: T, schema: TObject): T {
  const copy = maskUrls(structuredClone(config)) as Record<string, unknown>;
  for (const leaf of configLeaves(schema, '')) {
    if (!leaf.schema.secret) continue;
    const v = getPath(copy, leaf.path);
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    setPath(copy, leaf.path, Array.isArray(v) ? v.map(() => '***') : '***');
  }
  return copy as T;
}

/**
 * For a service's main(): loads its config, or prints every problem and exits with code 2 (a configuration error
 * is not worth a restart loop).
 */
export function loadConfigOrExit<T>(program: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ValidationError) {
      process.stderr.write(`${program}: invalid configuration:\n  - ${err.problems.join('\n  - ')}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * Environment variables with the service's prefix that no config key reads (a typo is otherwise silently ignored),
 * each with the nearest known name: "GATEWAY_HTTP_PROT is not a setting; did you mean GATEWAY_HTTP_PORT?".
 */
export function unknownVariables(schema: TObject, prefix: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const leaves = configLeaves(schema, prefix);
  const known = [
    `${prefix}CONFIG`,
    ...leaves.map((l) => l.env),
    ...leaves.filter((l) => l.schema.secret).map((l) => `${l.env}_FILE`),
  ];
  const set = new Set(known);
  return Object.keys(env)
    .filter((k) => k.startsWith(prefix) && !set.has(k))
    .sort()
    .map((k) => `${k} is not a setting; did you mean ${closest(k, known)}?`);
}
