import { randomBytes } from 'node:crypto';

/**
 * EdgeX origins are int64 Unix nanoseconds: JSON.parse turns them into doubles (exact only to 256 ns today), and
 * JSON.stringify cannot write a bigint. These helpers keep them exact: parsing recovers each event's and reading's
 * origin from the text as a bigint, stringifying writes bigints as JSON integers.
 */

type Holder = Record<string, unknown>;

/** What carries the origins: an event ({event} around it, or bare), a single reading, or a list ({events}). */
export type OriginShape = 'event' | 'reading' | 'events';

/**
 * The event object of an AddEventRequest or enriched-event message ({event}), or a bare event ({readings}); for the
 * reading shape, the reading itself.
 */
function eventOf(value: unknown, shape: OriginShape): Holder | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Holder;
  if (shape === 'reading') return Object.hasOwn(v, 'origin') ? v : undefined;
  if (v.event && typeof v.event === 'object' && !Array.isArray(v.event)) return v.event as Holder;
  return Array.isArray(v.readings) ? v : undefined;
}

const isIntegerToken = (t: string) => /^-?\d{1,19}$/.test(t);

/** The number token that follows `"origin"` at `at` (the opening quote), or undefined. */
function tokenAfterKey(text: string, at: number): string | undefined {
  let i = at + 8;
  while (text.charCodeAt(i) <= 32) i++;
  if (text.charCodeAt(i) !== 58) return undefined; // :
  i++;
  while (text.charCodeAt(i) <= 32) i++;
  let j = i;
  for (; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (!((d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46 || d === 101 || d === 69)) break;
  }
  return j > i ? text.slice(i, j) : undefined;
}

/**
 * Origin tokens in document order, when the text spells every key plainly (no \u escapes) and holds exactly one
 * origin key per holder: then the n-th `"origin":` of the text is the n-th holder's. Undefined otherwise.
 */
function plainOriginTokens(text: string, expected: number): string[] | undefined {
  if (text.indexOf('\\u') >= 0) return undefined;
  const tokens: string[] = [];
  for (let at = text.indexOf('"origin"'); at >= 0; at = text.indexOf('"origin"', at + 8)) {
    const token = tokenAfterKey(text, at);
    if (token !== undefined) tokens.push(token);
    if (tokens.length > expected) return undefined;
  }
  return tokens.length === expected ? tokens : undefined;
}

/**
 * The general case: a scan of the JSON structure that records the number token of every `origin` key with its path
 * (object keys and array indexes from the root). Linear in the text; the text has already passed JSON.parse.
 */
export function scanOriginTokens(text: string): Array<{ path: Array<string | number>; token: string }> {
  const found: Array<{ path: Array<string | number>; token: string }> = [];
  const path: Array<string | number> = [];
  const inObject: boolean[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        let k = j - 1;
        while (text.charCodeAt(k) === 92) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j++;
      }
      if (expectKey) {
        const raw = text.slice(i + 1, j);
        path[path.length - 1] = raw.indexOf('\\') < 0 ? raw : (JSON.parse(text.slice(i, j + 1)) as string);
        expectKey = false;
      }
      i = j + 1;
    } else if (c === 123 || c === 91) {
      path.push(c === 123 ? '' : 0);
      inObject.push(c === 123);
      expectKey = c === 123;
      i++;
    } else if (c === 125 || c === 93) {
      path.pop();
      inObject.pop();
      i++;
    } else if (c === 44) {
      const top = path.length - 1;
      if (inObject[top]) expectKey = true;
      else path[top] = (path[top] as number) + 1;
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
      }
      if (path[path.length - 1] === 'origin') found.push({ path: path.slice(), token: text.slice(i, j) });
      i = j;
    } else i++;
  }
  return found;
}

/** Assigns each holder its exact origin when the token is an integer literal (anything else stays for validation). */
function assign(holders: Holder[], tokens: Array<string | undefined>): void {
  holders.forEach((h, k) => {
    const t = tokens[k];
    if (t !== undefined && isIntegerToken(t)) h.origin = BigInt(t);
  });
}

/**
 * JSON.parse, with the origins of the event it carries (an AddEventRequest, an enriched-event message or a bare
 * event) and of its readings, or of a single reading, recovered exactly as bigints. Throws SyntaxError as
 * JSON.parse does.
 */
export function parseEdgexJson(text: string, shape: OriginShape = 'event'): unknown {
  return recoverOrigins(text, JSON.parse(text), shape);
}

/** Sets the exact origins on `value`, which `text` parsed into; returns `value`. */
export function recoverOrigins(text: string, value: unknown, shape: OriginShape = 'event'): unknown {
  if (shape === 'events') return recoverListOrigins(text, value);
  const event = eventOf(value, shape);
  if (!event) return value;
  const readings = (Array.isArray(event.readings) ? event.readings : []).filter(
    (r): r is Holder => !!r && typeof r === 'object' && Object.hasOwn(r, 'origin'),
  );
  const keys = Object.keys(event);
  const eventFirst = keys.indexOf('origin') < keys.indexOf('readings');
  const holders = Object.hasOwn(event, 'origin')
    ? eventFirst
      ? [event, ...readings]
      : [...readings, event]
    : readings;
  const plain = plainOriginTokens(text, holders.length);
  if (plain) {
    assign(holders, plain);
    return value;
  }
  // Escaped or duplicated keys, or origin keys elsewhere (an objectValue): find each holder's token by its path.
  const prefix = event === value ? [] : ['event'];
  const byPath = new Map<string, string>();
  for (const { path, token } of scanOriginTokens(text)) byPath.set(JSON.stringify(path), token); // last one wins
  const list = Array.isArray(event.readings) ? event.readings : [];
  assign([event], [byPath.get(JSON.stringify([...prefix, 'origin']))]);
  assign(
    readings,
    readings.map((r) => byPath.get(JSON.stringify([...prefix, 'readings', list.indexOf(r), 'origin']))),
  );
  return value;
}

/** The origins of every event of a MultiEventsResponse ({events: [...]}), found by their paths. */
function recoverListOrigins(text: string, value: unknown): unknown {
  const events = (value as { events?: unknown } | undefined)?.events;
  if (!Array.isArray(events)) return value;
  const byPath = new Map(scanOriginTokens(text).map(({ path, token }) => [JSON.stringify(path), token]));
  events.forEach((e: Holder, i) => {
    if (!e || typeof e !== 'object') return;
    assign([e], [byPath.get(JSON.stringify(['events', i, 'origin']))]);
    const readings = Array.isArray(e.readings) ? (e.readings as Holder[]) : [];
    assign(
      readings,
      readings.map((_, j) => byPath.get(JSON.stringify(['events', i, 'readings', j, 'origin']))),
    );
  });
  return value;
}

// A marker no client can send: a per-process random nonce after a NUL (JSON.stringify escapes NUL as \u0000).
const NONCE = randomBytes(12).toString('hex');
const MARKED = new RegExp(`"\\\\u0000${NONCE}(-?\\d+)"`, 'g');
const markBigints = (_key: string, v: unknown) => (typeof v === 'bigint' ? `\u0000${NONCE}${v}` : v);

/** JSON.stringify that writes bigints (exact origins) as JSON integers. */
export function stringifyEdgex(value: unknown): string {
  // Most replies hold no bigint: plain JSON.stringify (several times faster than with a replacer) throws a
  // TypeError on the first bigint, and only then is the marking pass needed. An event request or response, which
  // always holds bigints, goes through stringifyEvent instead of paying for the exception and the replacer.
  try {
    return stringifyEventHolder(value) ?? JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(value, markBigints).replace(MARKED, '$1');
  }
}

/**
 * An AddEventRequest or EventResponse (`event` its last key, every origin a bigint) as JSON: the wrapper through
 * JSON.stringify, the event through stringifyEvent. Undefined for any other value.
 */
function stringifyEventHolder(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys[keys.length - 1] !== 'event') return undefined;
  const { event, ...head } = value as { event: unknown };
  if (!hasExactOrigins(event)) return undefined;
  const wrapper = JSON.stringify(head);
  return `${wrapper.slice(0, -1)}${wrapper.length > 2 ? ',' : ''}"event":${stringifyEvent(event)}}`;
}

function hasExactOrigins(e: unknown): e is { origin: bigint; readings: Array<{ origin: bigint }> } {
  if (!e || typeof e !== 'object') return false;
  const { origin, readings } = e as { origin?: unknown; readings?: unknown };
  return (
    typeof origin === 'bigint' &&
    Array.isArray(readings) &&
    readings.every((r) => !!r && typeof r === 'object' && typeof (r as { origin?: unknown }).origin === 'bigint')
  );
}

/**
 * An event as JSON, fast: the origins spliced in as integers around JSON.stringify of the rest (the store writes one
 * per append). Bigints may stand only at the origins, as every decoder here leaves them.
 */
export function stringifyEvent(e: { origin: bigint; readings: Array<{ origin: bigint }> }): string {
  const { origin, readings, ...rest } = e;
  let out = `{"origin":${origin},"readings":[`;
  for (let i = 0; i < readings.length; i++) {
    const { origin: o, ...r } = readings[i] as { origin: bigint };
    const body = JSON.stringify(r);
    out += `${i ? ',' : ''}{"origin":${o}${body.length > 2 ? ',' : ''}${body.slice(1)}`;
  }
  const tail = JSON.stringify(rest);
  return `${out}]${tail.length > 2 ? ',' : ''}${tail.slice(1)}`;
}
