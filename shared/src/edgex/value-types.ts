/** EdgeX valueType enum (go-mod-core-contracts common.ValueType*). */
export const SIMPLE_VALUE_TYPES = [
  'Bool',
  'String',
  'Uint8',
  'Uint16',
  'Uint32',
  'Uint64',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'Float32',
  'Float64',
] as const;

export const ARRAY_VALUE_TYPES = SIMPLE_VALUE_TYPES.map((t) => `${t}Array` as const);

export const VALUE_TYPES = [...SIMPLE_VALUE_TYPES, ...ARRAY_VALUE_TYPES, 'Binary', 'Object', 'ObjectArray'] as const;

export type ValueType = (typeof VALUE_TYPES)[number];

const BY_LOWER = new Map<string, ValueType>(VALUE_TYPES.map((t) => [t.toLowerCase(), t]));

/** The canonical spelling of a value type, matched case-insensitively as EdgeX does; undefined if unknown. */
export function normalizeValueType(valueType: string): ValueType | undefined {
  return BY_LOWER.get(valueType.toLowerCase());
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  Uint8: [0n, 255n],
  Uint16: [0n, 65_535n],
  Uint32: [0n, 4_294_967_295n],
  Uint64: [0n, 18_446_744_073_709_551_615n],
  Int8: [-128n, 127n],
  Int16: [-32_768n, 32_767n],
  Int32: [-2_147_483_648n, 2_147_483_647n],
  Int64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
};

// Go's strconv.ParseFloat syntax (decimal and e-notation, inf/nan words); hex floats and underscores are rare
// enough on the wire that rejecting them is the safer answer. Written so no input can backtrack: `\d+` is followed
// only by what a digit cannot be (linear, as test/regex-safety.test.ts checks for every pattern).
const FLOAT_RE = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const INT_RE = /^[+-]?\d+$/;
const BOOL_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Whether `value` parses as a simple (non-array) EdgeX type, as core-contracts' ValidateValue decides. */
export function parsesAsSimple(valueType: string, value: string): boolean {
  if (valueType === 'String') return true;
  if (valueType === 'Bool') return BOOL_WORDS.has(value);
  if (valueType === 'Float32' || valueType === 'Float64') {
    if (!FLOAT_RE.test(value)) return false;
    const n = Number(value);
    if (Number.isNaN(n)) return /nan/i.test(value);
    // Go's ParseFloat rounds to the type and errs only when that overflows: "3.4028235e+38" (Go's own printing of
    // the Float32 maximum) is valid, 1e39 is not.
    if (!Number.isFinite(n)) return /inf/i.test(value);
    return valueType === 'Float64' || Number.isFinite(Math.fround(n));
  }
  const range = INT_RANGES[valueType];
  if (!range) return false;
  if (!INT_RE.test(value)) return false;
  if (valueType.startsWith('Uint') && value.startsWith('-')) return false;
  // No 64-bit integer has more than 20 digits: a longer one is out of range without the (superlinear) BigInt parse.
  if (value.replace(/^[+-]?0*/, '').length > 20) return false;
  const n = BigInt(value);
  return n >= range[0] && n <= range[1];
}

/** Array values are sent as "[a, b, c]". */
export function parsesAsValue(valueType: string, value: string): boolean {
  if (!valueType.endsWith('Array')) return parsesAsSimple(valueType, value);
  if (valueType === 'ObjectArray') return false;
  if (value.length < 2 || !value.startsWith('[') || !value.endsWith(']')) return false;
  const inner = value.slice(1, -1).trim();
  if (inner === '') return true;
  const elementType = valueType.slice(0, -'Array'.length);
  return inner.split(',').every((v) => parsesAsSimple(elementType, v.trim()));
}
