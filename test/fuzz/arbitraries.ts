import { stringifyEdgex } from '@hvac-edge/shared';
import { encode as encodeCbor } from 'cborg';
import fc from 'fast-check';
import { makeAddEventRequest } from '../support/index.js';

/** One HTTP request the fuzzer sends; `validEventId` is set when the body is an unmutated event. */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  validEventId?: string;
}

const DEVICES = ['fz-1', 'fz-2', 'fz-3'];

/** A URL segment back to text (as sent when it is not valid percent-encoding). */
const raw = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
/** Header values must be visible ASCII for fetch to send them at all. */
const headerSafe = (s: string) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, 200) || 'x';
const nasty = fc.constantFrom(
  '',
  '-1',
  '0',
  '1e999',
  'NaN',
  '-0',
  '9223372036854775808',
  '18446744073709551616',
  '99999999999999999999999',
  '1.5',
  'null',
  '%00',
  '%ZZ',
  '..%2F..%2Fetc%2Fpasswd',
  'a'.repeat(5000),
  '2026-11-30T00:00:00Z',
  '-8640000000000001',
);
const numberish = fc.oneof(nasty, fc.integer().map(String), fc.double().map(String), fc.bigInt().map(String));
const segment = fc.oneof(fc.constantFrom(...DEVICES), fc.string({ maxLength: 20 }).map(encodeURIComponent), nasty);

/** A JSON value of bounded size and depth, or a value built to be deep, long or big. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 300 }).map((d) => JSON.parse(`${'['.repeat(d)}1${']'.repeat(d)}`)),
  fc.integer({ min: 1, max: 100_000 }).map((n) => '9'.repeat(n)),
  fc.constantFrom(1e19, -1, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 0.5, true, null, {}, []),
);

const EVENT_PATHS = [
  ['event', 'origin'],
  ['event', 'id'],
  ['event', 'deviceName'],
  ['event', 'profileName'],
  ['event', 'sourceName'],
  ['event', 'apiVersion'],
  ['event', 'tags'],
  ['event', 'readings'],
  ['event', 'readings', 0],
  ['event', 'readings', 0, 'value'],
  ['event', 'readings', 0, 'valueType'],
  ['event', 'readings', 0, 'origin'],
  ['event', 'readings', 0, 'objectValue'],
  ['event', 'readings', 0, 'binaryValue'],
  ['event', 'readings', 1, 'units'],
  ['requestId'],
  ['apiVersion'],
  ['event'],
] as const;

function setPath(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (cur[key] === null || typeof cur[key] !== 'object') return;
    cur = cur[key] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1] as string | number] = value;
}

const eventPath = (e: { profileName: string; deviceName: string; sourceName: string }) =>
  `/api/v3/event/hvac-edge-agent/${encodeURIComponent(e.profileName)}/${encodeURIComponent(e.deviceName)}/${encodeURIComponent(e.sourceName)}`;

/** A valid event request (accepted unless rate-limited), or one with a field replaced by something hostile. */
const eventObject = fc
  .record({
    device: fc.constantFrom(...DEVICES),
    edits: fc.array(fc.tuple(fc.constantFrom(...EVENT_PATHS), hostileValue), { maxLength: 3 }),
  })
  .map(({ device, edits }) => {
    const req = makeAddEventRequest({ deviceName: device }) as unknown as Record<string, unknown>;
    // Copies: fast-check hands out the same constant objects again, and an edit must not make a cycle.
    for (const [path, value] of edits) setPath(req, path, structuredClone(value));
    return { req, valid: edits.length === 0 };
  });

/** Character-level damage to a text: inserted, deleted and replaced characters the parsers care about. */
const damaged = (text: string) =>
  fc
    .array(
      fc.tuple(
        fc.nat({ max: Math.max(0, text.length - 1) }),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.constantFrom(...'{}[]",:0123456789-+eE.\\ \n\t=a\u0000\u2028'.split('')),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((edits) => {
      let t = text;
      for (const [pos, kind, ch] of edits) {
        if (kind === 'insert') t = t.slice(0, pos) + ch + t.slice(pos);
        else if (kind === 'delete') t = t.slice(0, pos) + t.slice(pos + 1);
        else t = t.slice(0, pos) + ch + t.slice(pos + 1);
      }
      return t;
    });

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', '');

const jsonEvent: fc.Arbitrary<FuzzRequest> = eventObject.chain(({ req, valid }) => {
  const event = req.event as { id: string; profileName: string; deviceName: string; sourceName: string };
  const text = stringifyEdgex(req);
  const path = typeof event === 'object' && event ? eventPath(makeSafeNames(event)) : '/api/v3/event/a/b/c/d';
  return fc.oneof(
    fc.constant<FuzzRequest>({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: text,
      ...(valid ? { validEventId: event.id } : {}),
    }),
    fc.tuple(damaged(text), contentType).map(
      ([body, type]): FuzzRequest => ({
        method: 'POST',
        path,
        headers: type ? { 'content-type': type } : {},
        body,
      }),
    ),
  );
});

function makeSafeNames(e: { profileName: unknown; deviceName: unknown; sourceName: unknown }) {
  // Names go into paths and MQTT topics (at most 64 KiB): long ones are cut, the body keeps the original.
  const s = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 200) : 'x');
  return { profileName: s(e.profileName), deviceName: s(e.deviceName), sourceName: s(e.sourceName) };
}

const cborEvent: fc.Arbitrary<FuzzRequest> = fc.oneof(
  eventObject.map(({ req, valid }) => {
    const event = req.event as { id: string };
    let body: Uint8Array;
    try {
      body = encodeCbor(req);
    } catch {
      body = new Uint8Array([0xff]);
    }
    return {
      method: 'POST' as const,
      path: eventPath(makeSafeNames((req.event ?? {}) as never)),
      headers: { 'content-type': 'application/cbor' },
      body,
      ...(valid ? { validEventId: event.id } : {}),
    };
  }),
  // Random bytes, and random bytes behind a tag (value sharing 28/29, bignums, dates, self-described CBOR).
  fc
    .tuple(
      fc.constantFrom([], [0xd8, 0x1c], [0xd8, 0x1d, 0x00], [0xc2], [0xc1], [0xd9, 0xd9, 0xf7]),
      fc.uint8Array({ maxLength: 512 }),
    )
    .map(([prefix, bytes]) => ({
      method: 'POST' as const,
      path: '/api/v3/event/hvac-edge-agent/dht22/fz-1/climate',
      headers: { 'content-type': 'application/cbor' },
      body: Uint8Array.from([...prefix, ...bytes]),
    })),
);

const queries: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(
      (a: string, b: string, _c: string) => `/api/v3/event/all?offset=${a}&limit=${b}`,
      (a: string, b: string, c: string) => `/api/v3/event/device/name/${a}/start/${b}/end/${c}`,
      (a: string, b: string, c: string) => `/api/v3/event/start/${a}/end/${b}?limit=${c}`,
      (a: string, b: string) => `/api/v3/reading/device/name/${a}/resourceName/temperature?limit=${b}`,
      (a: string, b: string, c: string) => `/api/v3/reading/start/${a}/end/${b}?offset=${c}`,
      (a: string) => `/api/v3/event/id/${a}`,
      (a: string) => `/api/v3/reading/count/device/name/${a}`,
      (a: string, b: string) => `/api/v3/device/all?offset=${a}&limit=${b}`,
      (a: string, b: string) => `/api/v3/device/name/${a}/commands?after=${b}&waitSeconds=0`,
    ),
    segment,
    numberish,
    numberish,
  )
  .map(([make, a, b, c]) => ({ method: 'GET' as const, path: make(a, b, c), headers: {} }));

/** Writes that need an admin token (none is given): every one must be refused, nothing deleted. */
const adminWrites: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(
      '/api/v3/event/age/0?includePending=true',
      '/api/v3/event/device/name/fz-1',
      '/api/v3/device/name/fz-1/setpoint',
    ),
    segment,
  )
  .map(([path, tok]) => ({
    method: path.endsWith('setpoint') ? ('PUT' as const) : ('DELETE' as const),
    path,
    headers: { authorization: `Bearer ${headerSafe(raw(tok))}`, 'content-type': 'application/json' },
    ...(path.endsWith('setpoint') ? { body: '{"setpoint":1e308}' } : {}),
  }));

const metadata: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom('device', 'deviceprofile', 'deviceservice', 'provisionwatcher'),
    fc.constantFrom('POST', 'PATCH', 'PUT'),
    fc.jsonValue({ maxDepth: 5 }),
  )
  .map(([kind, method, value]) => ({
    method: method as 'POST' | 'PATCH' | 'PUT',
    path: `/api/v3/${kind}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Array.isArray(value) ? value : [value]),
  }));

const legacy: fc.Arbitrary<FuzzRequest> = fc
  .record({ device: segment, origin: numberish, value: hostileValue })
  .map(({ device, origin, value }) => ({
    method: 'POST' as const,
    path: '/api/v1/event',
    headers: { 'content-type': 'application/json' },
    body: `{"device":${JSON.stringify(raw(device))},"origin":${/^-?\d/.test(origin) ? origin : 0},"readings":[{"name":"temperature","value":${JSON.stringify(value)}}]}`,
  }));

const TELEGRAF = (ms: number) =>
  [
    `cpu,cpu=cpu-total,host=fz-vm usage_idle=92.5,usage_user=4.5 ${ms}`,
    `mem,host=fz-vm total=8000000000i,used=2000000000i,used_percent=25 ${ms}`,
    `disk,host=fz-vm,path=/ free=6i,total=10i,used=4i,used_percent=40 ${ms}`,
  ].join('\n');

export const lineProtocol = (credential: string, now: () => number): fc.Arbitrary<FuzzRequest> =>
  fc
    .tuple(
      fc.oneof(
        damaged(TELEGRAF(now())),
        fc.string({ unit: fc.constantFrom(...'mcpu,host= \\"=01.9ei\n-tfT'.split('')), maxLength: 300 }),
        fc.constant(TELEGRAF(now())),
      ),
      fc.constantFrom('ms', 'ns', 's', 'us', 'h', ''),
      fc.option(segment, { nil: undefined }),
    )
    .map(([body, precision, target]) => ({
      method: 'POST' as const,
      path: `/infra/write?precision=${precision}${target ? `&target=${target}` : ''}`,
      headers: { credential, 'content-type': 'text/plain' },
      body,
    }));

export const monitoringQueries = (credential: string): fc.Arbitrary<FuzzRequest> =>
  fc
    .tuple(
      fc.constantFrom('host', 'fz-vm', 'nope'),
      fc.constantFrom('cpu_usage', 'mem_usage', 'disk_usage', 'net_in', 'bogus'),
      numberish,
      numberish,
      fc.oneof(numberish, fc.constant('')),
      fc.constantFrom('avg', 'min', 'max', 'last', 'median', ''),
    )
    .map(([target, metric, start, end, step, agg]) => ({
      method: 'GET' as const,
      path: `/infra/cloudServices/${target}/monitoring/${metric}?start=${start}&end=${end}&step=${step}&aggregation=${agg}`,
      headers: { credential },
    }));

/** Every kind of HTTP request, weighted towards the event entry points. */
export const httpRequests = (credential: string, now: () => number): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(
    { arbitrary: jsonEvent, weight: 5 },
    { arbitrary: cborEvent, weight: 3 },
    { arbitrary: queries, weight: 2 },
    { arbitrary: metadata, weight: 1 },
    { arbitrary: legacy, weight: 1 },
    { arbitrary: adminWrites, weight: 1 },
    { arbitrary: lineProtocol(credential, now), weight: 2 },
    { arbitrary: monitoringQueries(credential), weight: 2 },
  );

/** MQTT messages: valid events, damaged ones, random bytes; on EdgeX's topics and beside them. */
export const mqttMessages = (prefix: string) =>
  fc.oneof(
    eventObject.map(({ req, valid }) => {
      const e = makeSafeNames((req.event ?? {}) as never);
      return {
        topic: `${prefix}/hvac-edge-agent/${e.profileName}/${e.deviceName}/${e.sourceName}`
          .replace(/[#+]/g, '_')
          .replaceAll('\0', '_'),
        payload: Buffer.from(stringifyEdgex(req)),
        validEventId: valid ? (req.event as { id: string }).id : undefined,
      };
    }),
    fc
      .tuple(fc.uint8Array({ maxLength: 1024 }), fc.constantFrom('a/b/c/d', 'x', 'a/b/c/d/e/f'))
      .map(([bytes, rest]) => ({
        topic: `${prefix}/${rest}`,
        payload: Buffer.from(bytes),
        validEventId: undefined,
      })),
  );
