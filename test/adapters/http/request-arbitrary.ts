/**
 * Random and mutated HTTP requests for one documented operation: path parameters (real ids of the
 * caller's firm and of another firm, traversal and percent-encoded junk, very long segments), query
 * strings (repeated keys, bad numbers and booleans), bodies (schema values mutated, malformed JSON,
 * empty, invalid UTF-8), Content-Type, If-Match, Idempotency-Key and Authorization headers.
 */
import fc from 'fast-check';
import { fillPath, pathParams, queryParams, type Operation } from './openapi-operations.js';
import { hostileString, mutated, validLooking, type IdsFor } from './schema-arbitrary.js';

/** Who the fuzzer can be, with their credentials. */
export interface FuzzCredentials {
  staff: string;
  contact: string;
  operator: string;
  otherFirmStaff: string;
  otherFirmContact: string;
}

export interface FuzzSetting {
  /** Real ids of the firm the fuzzer acts in, by parameter or field name. */
  ownIds: IdsFor;
  /** Real ids of another firm, by name. */
  otherIds: IdsFor;
  /** Every real id of both firms, whatever its kind. */
  anyId: fc.Arbitrary<string>;
  credentials: FuzzCredentials;
}

export interface FuzzRequest {
  caller: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Bytes of a string as UTF-8 (lone surrogates become U+FFFD), each percent-encoded unless unreserved. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** A header value a client can send at all (ByteString, no CR/LF/NUL). */
const headerJunk = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 60 });

const rawSegmentJunk = fc.constantFrom('..', '.', '%2e%2e', '%2E%2E%2F', '%2F', '%00', '%', '%zz', '%C0%AE', '%ED%A0%80', '%FF', '%20', '~', 'null', 'undefined', '__proto__', '0', '-1');

function segment(name: string, setting: FuzzSetting): fc.Arbitrary<string> {
  const own = setting.ownIds(name);
  const other = setting.otherIds(name);
  return fc.oneof(
    ...(own ? [{ weight: 16, arbitrary: own }] : []),
    ...(other ? [{ weight: 2, arbitrary: other }] : []),
    { weight: 1, arbitrary: setting.anyId },
    { weight: 1, arbitrary: rawSegmentJunk },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length < 30_000).map(percentEncode) },
    { weight: 1, arbitrary: fc.uuid() },
  );
}

const badQueryValue = fc.oneof(
  fc.constantFrom('', 'abc', '-1', '0', '1.5', '1e999', 'NaN', 'Infinity', '99999999999999999999', 'true', 'false', 'yes', 'TRUE', '1,2,,3', ',', 'null'),
  hostileString.filter((s) => s.length < 20_000),
);

const queryValueText = (value: unknown): string => (Array.isArray(value) ? value.map(String).join(',') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/** Query pairs: documented keys with good or bad values, sometimes repeated, and unknown keys. */
function query(operation: Operation, setting: FuzzSetting): fc.Arbitrary<Array<[string, string]>> {
  const documented = queryParams(operation).map((p) =>
    fc.option(
      fc.tuple(
        fc.constant(p.name),
        fc.oneof({ weight: 3, arbitrary: validLooking(p.schema, setting.ownIds, p.name).map(queryValueText) }, { weight: 2, arbitrary: badQueryValue }),
        fc.nat({ max: 9 }),
      ),
      { nil: undefined, freq: 2 },
    ),
  );
  const unknown = fc.array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'a[b]', 'idempotencyKey', 'tenantId', 'clientId'), hostileString.filter((s) => s.length < 100)), badQueryValue), { maxLength: 2 });
  return fc.tuple(fc.tuple(...documented), unknown).map(([chosen, extra]) => {
    const pairs: Array<[string, string]> = [];
    for (const entry of chosen) {
      if (!entry) continue;
      const [name, value, repeat] = entry;
      pairs.push([name, value]);
      if (repeat === 0) pairs.push([name, value]); // the same key twice
    }
    return [...pairs, ...extra];
  });
}

const queryString = (pairs: Array<[string, string]>) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`);

const malformedJson = fc.constantFrom('{', '{"a":}', "{'a':1}", '{"a":1,}', '[1,2', 'NaN', '{"a":1}{"b":2}', '\ufeff{}', '{"a":"\\x00"}', '{"a":"\\ud800"}', '{"a" 1}', 'undefined', '{"__proto__":{"polluted":true}}');
const nonObjectJson = fc.constantFrom('[]', '"text"', '1', 'null', 'true', '[{}]', '[[[]]]');
const emptyBody = fc.constantFrom('', ' ', '\n\t ');
const deepText = fc.integer({ min: 1_000, max: 100_000 }).chain((depth) => fc.constantFrom('['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));
/** JSON with bytes that are not UTF-8 inside a string: overlong, lone surrogate (CESU), 0xFF. */
const invalidUtf8 = fc.constantFrom(Uint8Array.of(0xc0, 0xaf), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xff, 0xfe), Uint8Array.of(0x00)).map(
  (bad) => new Uint8Array([...Buffer.from('{"name":"a'), ...bad, ...Buffer.from('b"}')]),
);

function body(operation: Operation, setting: FuzzSetting): fc.Arbitrary<string | Uint8Array | undefined> {
  if (operation.method === 'get' || operation.method === 'head') return fc.constant(undefined);
  const declared = operation.body;
  const isJson = declared === null || /json/i.test(declared.contentType);
  const fromSchema = isJson
    ? mutated(declared?.schema ?? { type: 'object', properties: {} }, setting.ownIds).map((value) => JSON.stringify(value) ?? '')
    : fc.uint8Array({ maxLength: 4_096 });
  return fc.oneof(
    { weight: 24, arbitrary: fromSchema },
    { weight: 1, arbitrary: malformedJson },
    { weight: 1, arbitrary: nonObjectJson },
    { weight: 1, arbitrary: emptyBody },
    { weight: 1, arbitrary: deepText },
    { weight: 1, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function contentType(operation: Operation): fc.Arbitrary<string | undefined> {
  const declared = operation.body?.contentType ?? 'application/json';
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant(declared) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/merge-patch+json',
        'application/problem+json',
        'text/plain',
        'text/html',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/octet-stream',
        'application/jsonx',
        'json',
        'application/json; charset=utf-16',
      ),
    },
    { weight: 1, arbitrary: headerJunk },
  );
}

/** The kinds of caller the fuzzer acts as with valid credentials. */
export type CallerKind = 'staff' | 'contact' | 'operator';

/**
 * The Authorization (or session cookie) of one kind of caller, or a broken one. Most requests come
 * from a caller the operation admits, so they reach its input checks and rules rather than stopping
 * at the door.
 */
function authorization(credentials: FuzzCredentials, admitted: ReadonlySet<CallerKind>): fc.Arbitrary<{ caller: string; headers: Record<string, string> }> {
  const bearer = (caller: string, token: string) => ({ caller, headers: { authorization: `Bearer ${token}` } });
  const weight = (kind: CallerKind) => (admitted.has(kind) ? Math.round(24 / admitted.size) : 1);
  return fc.oneof(
    { weight: weight('staff'), arbitrary: fc.constant(bearer('staff partner admin', credentials.staff)) },
    { weight: weight('contact'), arbitrary: fc.constantFrom(bearer('contact', credentials.contact), { caller: 'contact (cookie)', headers: { cookie: `portal_session=${credentials.contact}` } }) },
    { weight: weight('operator'), arbitrary: fc.constant(bearer('operator', credentials.operator)) },
    { weight: 1, arbitrary: fc.constant({ caller: 'anonymous', headers: {} }) },
    { weight: 1, arbitrary: fc.constantFrom(bearer("another firm's staff", credentials.otherFirmStaff), bearer("another firm's contact", credentials.otherFirmContact)) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer cps_nope', 'Bearer cpc_nope', 'Bearer cpo_nope', `Bearer ${credentials.staff} extra`, `bearer ${credentials.staff}`, `Token ${credentials.staff}`, `Bearer ${'a'.repeat(10_000)}`, `Bearer ${credentials.staff.slice(0, -1)}`),
          headerJunk.map((junk) => `Bearer cps_${junk}`),
          headerJunk,
        )
        .map((value) => ({ caller: 'bad authorization', headers: { authorization: value } })),
    },
    { weight: 1, arbitrary: headerJunk.map((junk) => ({ caller: 'bad session cookie', headers: { cookie: `portal_session=${junk.replace(/[;,]/g, '')}` } })) },
  );
}

/** A header now and then; often when the operation documents it. */
const sometimes = (documented: boolean, value: fc.Arbitrary<string>) =>
  fc.oneof({ weight: documented ? 2 : 14, arbitrary: fc.constant(undefined) }, { weight: documented ? 1 : 1, arbitrary: value });

const ifMatchValue = fc.oneof(fc.constantFrom('"0"', '"1"', '"2"', '"5"', '*', 'W/"1"', '"1", "2"', '""', '"-1"', '"1e3"', '"999999999999999"', '"99999999999999999999"', '1'), headerJunk);
const idempotencyKeyValue = fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'a'.repeat(1_000), 'key-1'), headerJunk);
const documents = (operation: Operation, header: string) => operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === header);

/** A random request to the operation, from the caller kinds, parameters, bodies and headers above. */
export function fuzzRequest(operation: Operation, setting: FuzzSetting, admitted: ReadonlySet<CallerKind>): fc.Arbitrary<FuzzRequest> {
  const params = pathParams(operation);
  const segments = fc.tuple(...params.map((p) => segment(p.name, setting))).map((values) => Object.fromEntries(params.map((p, i) => [p.name, values[i]!])));
  return fc
    .record({
      auth: authorization(setting.credentials, admitted),
      segments,
      query: query(operation, setting),
      body: body(operation, setting),
      contentType: contentType(operation),
      ifMatch: sometimes(documents(operation, 'if-match'), ifMatchValue),
      idempotencyKey: sometimes(documents(operation, 'idempotency-key'), idempotencyKeyValue),
    })
    .map(({ auth, segments, query: pairs, body, contentType, ifMatch, idempotencyKey }) => {
      const headers: Record<string, string> = { ...auth.headers };
      if (body !== undefined && contentType !== undefined) headers['content-type'] = contentType;
      if (ifMatch !== undefined) headers['if-match'] = ifMatch;
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      const request: FuzzRequest = { caller: auth.caller, method: operation.method.toUpperCase(), url: fillPath(operation.path, segments) + queryString(pairs), headers, ...(body !== undefined ? { body } : {}) };
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
    });
}

const shorten = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

/** A counterexample as a person can read it (huge bodies cut short). */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '(none)' : typeof request.body === 'string' ? JSON.stringify(shorten(request.body)) : `bytes [${[...request.body.slice(0, 64)].join(',')}${request.body.length > 64 ? ',…' : ''}] (${request.body.length} bytes)`;
  const headers = Object.entries(request.headers).map(([k, v]) => `${k}: ${shorten(v, 120)}`).join('; ');
  return `${request.method} ${shorten(request.url)} as ${request.caller} — headers { ${headers} } — body ${body}`;
}
