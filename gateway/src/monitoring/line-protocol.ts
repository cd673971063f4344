/**
 * InfluxDB line protocol, as Telegraf's outputs send it. Written here because no maintained parser exists on npm;
 * it follows the reference grammar: escaped commas, spaces and equals signs in names, quoted string fields,
 * integer (`i`), unsigned (`u`), float and boolean fields, optional timestamp.
 */
export interface Line {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  /** Timestamp in the request's precision (ns by default); undefined when the line has none. */
  timestamp: bigint | undefined;
  /** 1-based line number in the body. */
  lineNumber: number;
}

export class LineProtocolError extends Error {
  constructor(
    readonly lineNumber: number,
    message: string,
  ) {
    super(`line ${lineNumber}: ${message}`);
  }
}

/** Splits on `sep` where it is neither escaped nor inside double quotes. */
function splitUnescaped(s: string, sep: string, limit = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] as string);
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === sep && !quoted && out.length < limit - 1) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const unescapeName = (s: string) => s.replace(/\\([ ,="\\])/g, '$1');

function fieldValue(raw: string, n: number, key: string): number | string | boolean {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) throw new LineProtocolError(n, `field ${key}: unterminated string`);
    return raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
  const int = /^(-?\d+)[iu]$/.exec(raw);
  if (int) return Number(int[1]);
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  throw new LineProtocolError(n, `field ${key}: cannot parse value ${JSON.stringify(raw)}`);
}

export function parseLine(text: string, n: number): Line {
  const parts = splitUnescaped(text, ' ');
  if (parts.length < 2 || parts.length > 3)
    throw new LineProtocolError(n, 'expected "measurement[,tags] fields [timestamp]"');
  const [series, fieldSet, ts] = parts as [string, string, string | undefined];
  const [measurement, ...tagPairs] = splitUnescaped(series, ',');
  if (!measurement) throw new LineProtocolError(n, 'missing measurement');
  const tags: Record<string, string> = {};
  for (const pair of tagPairs) {
    const [k, v] = splitUnescaped(pair, '=', 2);
    if (!k || v === undefined || v === '') throw new LineProtocolError(n, `bad tag ${JSON.stringify(pair)}`);
    tags[unescapeName(k)] = unescapeName(v);
  }
  const fields: Line['fields'] = {};
  for (const pair of splitUnescaped(fieldSet, ',')) {
    const [k, v] = splitUnescaped(pair, '=', 2);
    if (!k || v === undefined || v === '') throw new LineProtocolError(n, `bad field ${JSON.stringify(pair)}`);
    fields[unescapeName(k)] = fieldValue(v, n, k);
  }
  let timestamp: bigint | undefined;
  if (ts !== undefined && ts !== '') {
    // 19 digits hold any int64; a longer run is refused before the (superlinear) BigInt parse.
    if (ts.length > 20 || !/^-?\d+$/.test(ts)) throw new LineProtocolError(n, `bad timestamp ${JSON.stringify(ts)}`);
    timestamp = BigInt(ts);
  }
  return { measurement: unescapeName(measurement), tags, fields, timestamp, lineNumber: n };
}

/** Parses a body; blank lines and comments are skipped; the first bad line fails the whole body. */
export function parseLineProtocol(body: string): Line[] {
  const out: Line[] = [];
  body.split('\n').forEach((raw, i) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    out.push(parseLine(text, i + 1));
  });
  return out;
}

/** ns / us / ms / s precision (Telegraf's `precision`, InfluxDB's query parameter) to Unix ms. */
export function timestampToMs(ts: bigint | undefined, precision: string, fallback: number): number {
  if (ts === undefined) return fallback;
  switch (precision) {
    case 's':
      return Number(ts) * 1000;
    case 'ms':
      return Number(ts);
    case 'us':
    case 'u':
      return Number(ts / 1000n);
    default:
      return Number(ts / 1_000_000n);
  }
}
