import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export interface CompileOptions {
  /** Coerce strings to numbers/booleans (for env and YAML config); off for wire data. */
  coerceTypes?: boolean;
  useDefaults?: boolean;
}

export function createAjv(options: CompileOptions = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    coerceTypes: options.coerceTypes ?? false,
    useDefaults: options.useDefaults ?? false,
  });
  addFormats(ajv);
  return ajv;
}

/** "/event/readings/0/value" -> "event.readings[0].value" */
export function jsonPointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** One readable line per Ajv error, naming the field and what was expected. */
export function formatAjvError(e: ErrorObject, root = ''): string {
  const at = jsonPointerToPath(e.instancePath);
  const path = root && at ? join(root, at) : root || at;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${join(path, String(p.missingProperty))} is required`;
    case 'additionalProperties':
      return `${join(path, String(p.additionalProperty))} is not a known field`;
    case 'type':
      return `${path || 'value'} must be ${String(p.type)}`;
    case 'enum':
      return `${path} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `${path} must be ${JSON.stringify(p.allowedValue)}`;
    case 'format':
      return `${path} must be a valid ${String(p.format)}`;
    case 'minLength':
      return p.limit === 1 ? `${path} must not be empty` : `${path} ${e.message ?? 'is too short'}`;
    case 'pattern':
      return p.pattern === '\\S' ? `${path} must not be blank` : `${path} must match ${String(p.pattern)}`;
    default:
      return `${path || 'value'} ${e.message ?? 'is invalid'}`;
  }
}

/**
 * Ajv reports every branch of a union; keep the most useful line per field: a union of literals becomes one
 * "must be one of" line.
 */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, root = ''): string[] {
  if (!errors) return [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: string[] = [];
  for (const [pointer, list] of byPath) {
    const consts = list.filter((e) => e.keyword === 'const');
    if (consts.length > 1 && list.some((e) => e.keyword === 'anyOf')) {
      const path = root ? join(root, jsonPointerToPath(pointer)) : jsonPointerToPath(pointer);
      const allowed = consts.map((e) => String((e.params as { allowedValue: unknown }).allowedValue));
      out.push(`${path} must be one of ${allowed.join(', ')}`);
      continue;
    }
    for (const e of list) if (e.keyword !== 'anyOf') out.push(formatAjvError(e, root));
  }
  return [...new Set(out)];
}

/** Compiles on first use: a process that never validates a kind of message never pays for its compiled code. */
export class SchemaValidator<T> {
  private check: ValidateFunction | undefined;

  constructor(
    private readonly schema: TSchema,
    private readonly ajv?: Ajv,
  ) {}

  validate(input: unknown): Validation<T> {
    this.check ??= (this.ajv ?? createAjv()).compile(this.schema);
    if (this.check(input)) return { ok: true, value: input as T };
    return { ok: false, errors: formatAjvErrors(this.check.errors) };
  }
}
