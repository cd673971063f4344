import { normalizeValueType, SchemaValidator } from '@hvac-edge/shared';
import { type TSchema, Type } from '@sinclair/typebox';

/**
 * The core-metadata DTOs as go-mod-core-contracts v3.1 validates them (dtos/*.go `validate` tags, common/validator.go,
 * dtos.ValidateDeviceProfileDTO): a JSON Schema for the shape, code for what a schema cannot say (Go durations, URIs,
 * value types matched case-insensitively, profile cross-references). Unknown fields pass, as in Go.
 */

const NonBlank = Type.String({ minLength: 1, pattern: '\\S' });
const Uuid = Type.String({ format: 'uuid' });
/** An id field: Go's `validate:"omitempty,uuid"` lets the empty string through (profiles always send "id"). */
const OptionalId = Type.Optional(Type.Union([Type.Literal(''), Uuid]));
/** Go marshals a nil map or slice without omitempty as null. */
const Nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const AdminState = Type.Union([Type.Literal('LOCKED'), Type.Literal('UNLOCKED')]);
const OperatingState = Type.Union([Type.Literal('UP'), Type.Literal('DOWN'), Type.Literal('UNKNOWN')]);
const ReadWrite = Type.Union(['R', 'W', 'RW', 'WR'].map((v) => Type.Literal(v)));
const AnyMap = Type.Record(Type.String(), Type.Unknown());
const Strings = Type.Array(Type.String());
const AutoEvent = Type.Object({
  interval: Type.String(),
  onChange: Type.Optional(Type.Boolean()),
  sourceName: NonBlank,
});
const Protocols = Type.Record(Type.String(), AnyMap, { minProperties: 1 });
const Identifiers = Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), { minProperties: 1 });

const addDeviceService = Type.Object({
  id: OptionalId,
  name: NonBlank,
  description: Type.Optional(Type.String()),
  labels: Type.Optional(Strings),
  baseAddress: Type.String({ minLength: 1 }),
  adminState: AdminState,
});

const addDevice = Type.Object({
  id: OptionalId,
  name: NonBlank,
  description: Type.Optional(Type.String()),
  adminState: AdminState,
  operatingState: OperatingState,
  labels: Type.Optional(Strings),
  location: Type.Optional(Type.Unknown()),
  serviceName: NonBlank,
  profileName: NonBlank,
  autoEvents: Type.Optional(Type.Array(AutoEvent)),
  protocols: Protocols,
  tags: Type.Optional(AnyMap),
  properties: Type.Optional(AnyMap),
});

const deviceResource = Type.Object({
  name: NonBlank,
  description: Type.Optional(Type.String()),
  isHidden: Type.Optional(Type.Boolean()),
  properties: Type.Object({ valueType: Type.String({ minLength: 1 }), readWrite: ReadWrite }),
  attributes: Nullable(AnyMap),
  tags: Nullable(AnyMap),
});

const deviceCommand = Type.Object({
  name: NonBlank,
  isHidden: Type.Optional(Type.Boolean()),
  readWrite: ReadWrite,
  resourceOperations: Type.Array(Type.Object({ deviceResource: Type.String({ minLength: 1 }) }), { minItems: 1 }),
  tags: Type.Optional(AnyMap),
});

const deviceProfile = Type.Object({
  id: OptionalId,
  name: NonBlank,
  manufacturer: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  labels: Nullable(Strings),
  deviceResources: Nullable(Type.Array(deviceResource)),
  deviceCommands: Nullable(Type.Array(deviceCommand)),
});

const discoveredDevice = Type.Object({
  profileName: Type.Optional(Type.String()),
  adminState: AdminState,
  autoEvents: Type.Optional(Type.Array(AutoEvent)),
  properties: Type.Optional(AnyMap),
});

const addProvisionWatcher = Type.Object({
  id: OptionalId,
  name: NonBlank,
  serviceName: NonBlank,
  labels: Type.Optional(Strings),
  identifiers: Identifiers,
  blockingIdentifiers: Type.Optional(Type.Record(Type.String(), Strings)),
  adminState: AdminState,
  discoveredDevice,
});

/** An update DTO: every field optional, but the item needs its id or its name (required_without). */
const update = (add: ReturnType<typeof Type.Object>) =>
  Type.Intersect([Type.Partial(add), Type.Union([Type.Object({ id: Uuid }), Type.Object({ name: NonBlank })])]);

/** Go's time.ParseDuration syntax: [-+] then one or more decimal numbers with a unit ("10s", "1h30m", "1.5s"). */
export function isGoDuration(s: string): boolean {
  if (s === '0') return true;
  let i = s[0] === '-' || s[0] === '+' ? 1 : 0;
  if (i >= s.length) return false;
  while (i < s.length) {
    const start = i;
    while (i < s.length && /[0-9.]/.test(s[i] as string)) i++;
    const num = s.slice(start, i);
    if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(num)) return false;
    const unit = /^(?:ns|us|µs|μs|ms|s|m|h)/.exec(s.slice(i, i + 2));
    if (!unit) return false;
    i += unit[0].length;
  }
  return true;
}

/** go-playground's `uri`: Go's url.ParseRequestURI, an absolute URI (with a scheme) or an absolute path. */
export function isRequestUri(s: string): boolean {
  if (s.startsWith('/')) return !/\s/.test(s);
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function autoEventRules(events: unknown, at: string): string[] {
  if (!Array.isArray(events)) return [];
  return events.flatMap((e: { interval?: unknown }, i) =>
    typeof e.interval === 'string' && !isGoDuration(e.interval)
      ? [`${at}.autoEvents[${i}].interval "${e.interval}" is not a Go duration (e.g. 100ms, 10s, 1h30m)`]
      : [],
  );
}

/** dtos.ValidateDeviceProfileDTO, with value types normalised in place (EdgeX stores "float64" as "Float64"). */
function profileRules(p: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const resources = (Array.isArray(p.deviceResources) ? p.deviceResources : []) as Array<{
    name: string;
    properties: { valueType: string; readWrite: string };
  }>;
  const names = new Set<string>();
  resources.forEach((r, i) => {
    const valueType = normalizeValueType(r.properties.valueType);
    if (!valueType)
      problems.push(
        `${at}.deviceResources[${i}].properties.valueType "${r.properties.valueType}" is not an EdgeX value type`,
      );
    else r.properties.valueType = valueType;
    if (valueType === 'Binary' && r.properties.readWrite.includes('W'))
      problems.push(`${at}.deviceResources[${i}]: write permission not supported for Binary resource ${r.name}`);
    if (names.has(r.name)) problems.push(`${at}.deviceResources[${i}]: device resource ${r.name} is duplicated`);
    names.add(r.name);
  });
  const commands = (Array.isArray(p.deviceCommands) ? p.deviceCommands : []) as Array<{
    name: string;
    readWrite: string;
    resourceOperations: Array<{ deviceResource: string }>;
  }>;
  const commandNames = new Set<string>();
  commands.forEach((c, i) => {
    if (commandNames.has(c.name)) problems.push(`${at}.deviceCommands[${i}]: device command ${c.name} is duplicated`);
    commandNames.add(c.name);
    for (const op of c.resourceOperations) {
      const r = resources.find((x) => x.name === op.deviceResource);
      if (!r)
        problems.push(`${at}.deviceCommands[${i}]: resource ${op.deviceResource} doesn't match any device resource`);
      else if (!['RW', 'WR', c.readWrite].includes(r.properties.readWrite))
        problems.push(`${at}.deviceCommands[${i}]: ReadWrite '${c.readWrite}' doesn't align with resource ${r.name}`);
    }
  });
  return problems;
}

export type MetadataDto = 'deviceservice' | 'device' | 'deviceprofile' | 'provisionwatcher';

interface Rules {
  add: SchemaValidator<Record<string, unknown>>;
  update: SchemaValidator<Record<string, unknown>>;
  extra: (item: Record<string, unknown>, at: string) => string[];
}

const validator = (schema: TSchema) => new SchemaValidator<Record<string, unknown>>(schema);
const RULES: Record<MetadataDto, Rules> = {
  deviceservice: {
    add: validator(addDeviceService),
    update: validator(update(addDeviceService)),
    extra: (s, at) =>
      typeof s.baseAddress === 'string' && !isRequestUri(s.baseAddress)
        ? [`${at}.baseAddress "${s.baseAddress}" is not a URI (e.g. http://host:59900)`]
        : [],
  },
  device: {
    add: validator(addDevice),
    update: validator(update(addDevice)),
    extra: (d, at) => autoEventRules(d.autoEvents, at),
  },
  deviceprofile: { add: validator(deviceProfile), update: validator(deviceProfile), extra: profileRules },
  provisionwatcher: {
    add: validator(addProvisionWatcher),
    update: validator(update(addProvisionWatcher)),
    extra: (w, at) =>
      autoEventRules(
        (w.discoveredDevice as { autoEvents?: unknown } | undefined)?.autoEvents,
        `${at}.discoveredDevice`,
      ),
  },
};

/** Update DTOs are Go structs of pointers: null means "not given" (device-sdk-go sends every field). */
function withoutNulls(item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  return Object.fromEntries(
    Object.entries(item).flatMap(([k, v]) => (v === null ? [] : [[k, k === 'discoveredDevice' ? withoutNulls(v) : v]])),
  );
}

/**
 * The problems of one item of an Add/Update request (`at` names it in messages, e.g. "[0].device"), and the item as
 * it should be stored (an update's null fields dropped, value types normalised).
 */
export function validateDto(
  kind: MetadataDto,
  mode: 'add' | 'update',
  raw: unknown,
  at: string,
): { problems: string[]; item: Record<string, unknown> } {
  const item = (mode === 'update' ? withoutNulls(raw) : raw) as Record<string, unknown>;
  return { problems: problemsOf(kind, mode, item, at), item };
}

function problemsOf(kind: MetadataDto, mode: 'add' | 'update', item: unknown, at: string): string[] {
  const shape = RULES[kind][mode].validate(item);
  if (!shape.ok) return shape.errors.map((e) => `${at}.${e}`);
  return RULES[kind].extra(item as Record<string, unknown>, at);
}
