/**
 * Values from a JSON Schema, for fuzzing: `validLooking` follows the schema (sizes kept small, ids
 * taken from the seeded firms where a field names one), `mutated` then breaks it the ways clients and
 * attackers do (wrong types, missing or extra keys, huge or hostile strings, deep nesting).
 */
import fc from 'fast-check';
import type { JsonSchema } from './openapi-operations.js';

/** Real ids to use for a field or parameter of this name (e.g. clientId), when there are some. */
export type IdsFor = (name: string) => fc.Arbitrary<string> | undefined;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const controlCharacter = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));

/** Strings that have broken parsers, stores and logs before. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), loneSurrogate, controlCharacter), maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u202eevil',
    '\ufeffbom',
    '\r\n',
    '<script>alert(1)</script>',
    "'; DROP TABLE events; --",
    '../../etc/passwd',
    '%00',
    '%',
    '${jndi:ldap://x}',
    '__proto__',
    'constructor',
    'null',
    'true',
    '1e309',
    '-0',
    '0x10',
    '𝕏'.repeat(60),
    'é'.repeat(300),
    'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍',
  ),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** A JSON value of any kind, small, for replacing what a schema expects. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1, 0, -0, 1.5, 2 ** 53 + 1, 1e21, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 1_000 }).map(deeplyNested) },
);

/** `[{"a":[…{"a":1}…]}]` `depth` levels deep (kept under what JSON.stringify can write; deeper nesting is sent as text). */
export function deeplyNested(depth: number): unknown {
  let value: unknown = { a: 1 };
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,10}$/), fc.stringMatching(/^[a-z]{1,10}$/))
  .map(([local, domain]) => `${local.replace(/\.+$/, '')}@${domain}.example`);

function stringOf(schema: JsonSchema, name: string | undefined, ids: IdsFor): fc.Arbitrary<string> {
  const fromIds = name !== undefined ? ids(name) : undefined;
  if (fromIds) return fc.oneof({ weight: 4, arbitrary: fromIds }, { weight: 1, arbitrary: fc.uuid() });
  switch (schema.format) {
    case 'email':
      return email;
    case 'ip':
    case 'ipv4':
      return fc.oneof(fc.ipV4(), fc.ipV6());
    case 'ipv6':
      return fc.ipV6();
    case 'date-time':
      return isoDate;
    case 'uri':
    case 'url':
      return fc.webUrl();
    case 'uuid':
      return fc.uuid();
  }
  if (/email/i.test(name ?? '')) return email;
  if (/url$/i.test(name ?? '')) return fc.constantFrom('https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890', 'https://example.com/x');
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern), { size: 'xsmall' });
    } catch {
      // A pattern fast-check cannot read: plain text below.
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 24, minLength + 24));
  return fc.string({ minLength, maxLength });
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : -5);
  const max = schema.maximum ?? (typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : 1_000);
  const low = Math.max(min, -1e6);
  const high = Math.max(low, Math.min(max, low + 1e6));
  return integer ? fc.integer({ min: Math.ceil(low), max: Math.floor(high) }) : fc.double({ min: low, max: high, noNaN: true });
}

/** A value that follows the schema (small sizes; ids from the seed where the field names one). */
export function validLooking(schema: JsonSchema, ids: IdsFor, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 8 || schema === undefined || schema === null) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) return fc.oneof(...alternatives.map((s: JsonSchema) => validLooking(s, ids, name, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return validLooking(Object.assign({}, ...schema.allOf), ids, name, depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type: string) => validLooking({ ...schema, type }, ids, name, depth)));
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'string':
      return stringOf(schema, name, ids);
    case 'integer':
      return numberOf(schema, true);
    case 'number':
      return numberOf(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, minLength + 3));
      return fc.array(validLooking(schema.items ?? {}, ids, singular(name), depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties: Record<string, JsonSchema> = schema.properties ?? {};
      const required: string[] = schema.required ?? [];
      const model = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, validLooking(s, ids, key, depth + 1)]));
      const record = fc.record(model, { requiredKeys: required.filter((key) => key in model) });
      if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/), validLooking(schema.additionalProperties, ids, undefined, depth + 1), { maxKeys: 3 });
      }
      return record;
    }
    default:
      return junkValue;
  }
}

/** `clientIds` → `clientId`: the items of a list of ids are ids of the same kind. */
const singular = (name: string | undefined) => (name?.endsWith('Ids') ? name.slice(0, -1) : name);

type Path = Array<string | number>;

/** Every place in a JSON value, the root first. */
function placesIn(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (out.length > 200) return out;
  if (Array.isArray(value)) value.forEach((v, i) => placesIn(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) placesIn(v, [...at, k], out);
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<any>((at, key) => at?.[key], value);
}

function setAt(value: unknown, path: Path, replacement: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replacement(value);
  const [key, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[key!] = setAt(copy[key!], rest, replacement);
  return copy;
}

/** One way to break a value, aimed at one of its places (by index, modulo how many there are). */
type Mutation =
  | { kind: 'replace'; at: number; junk: unknown }
  | { kind: 'drop-key'; at: number; key: number }
  | { kind: 'extra-key'; at: number; key: string; junk: unknown }
  | { kind: 'numbers-as-strings' }
  | { kind: 'wrap-in-array'; at: number }
  | { kind: 'object-as-array'; at: number }
  | { kind: 'huge-string'; at: number; length: number }
  | { kind: 'nest-deeply'; at: number; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), junk: junkValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop-key' as const), at: fc.nat(), key: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra-key' as const), at: fc.nat(), key: hostileString.filter((k) => k.length < 200), junk: junkValue }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'numbers-as-strings' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap-in-array' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('object-as-array' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge-string' as const), at: fc.nat(), length: fc.constantFrom(10_000, 300_000, 1_100_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest-deeply' as const), at: fc.nat(), depth: fc.integer({ min: 100, max: 1_500 }) }) },
);

function numbersAsStrings(value: unknown, depth = 0): unknown {
  if (depth > 50) return value; // deeply nested junk stays as it is
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => numbersAsStrings(v, depth + 1));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersAsStrings(v, depth + 1)]));
  return value;
}

function apply(value: unknown, m: Mutation): unknown {
  if (m.kind === 'numbers-as-strings') return numbersAsStrings(value);
  const places = placesIn(value);
  // The root only when there is nothing inside: a broken field reaches further than a broken body.
  const place = places.length > 1 ? places[1 + (m.at % (places.length - 1))]! : places[0]!;
  switch (m.kind) {
    case 'replace':
      return setAt(value, place, () => m.junk);
    case 'drop-key': {
      const objects = places.filter((p) => { const v = getAt(value, p); return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0; });
      if (objects.length === 0) return value;
      const target = objects[m.at % objects.length]!;
      return setAt(value, target, (old) => {
        const keys = Object.keys(old as object);
        const { [keys[m.key % keys.length]!]: _dropped, ...rest } = old as Record<string, unknown>;
        return rest;
      });
    }
    case 'extra-key':
      return setAt(value, place, (old) => (old !== null && typeof old === 'object' && !Array.isArray(old) ? { ...old, [m.key]: m.junk } : { [m.key]: m.junk }));
    case 'wrap-in-array':
      return setAt(value, place, (old) => [old]);
    case 'object-as-array':
      return setAt(value, place, (old) => (old !== null && typeof old === 'object' ? Object.values(old) : [old]));
    case 'huge-string':
      return setAt(value, place, () => 'y'.repeat(m.length));
    case 'nest-deeply':
      return setAt(value, place, () => deeplyNested(m.depth));
  }
}

/** A value from the schema, then (mostly) broken by up to three mutations; sometimes left valid. */
export function mutated(schema: JsonSchema, ids: IdsFor): fc.Arbitrary<unknown> {
  return fc
    .tuple(validLooking(schema, ids), fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }) }))
    .map(([value, mutations]) => mutations.reduce(apply, value));
}
