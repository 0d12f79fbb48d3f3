import { z } from 'zod';
import type { CommandMetadata } from './command-handler.js';
import { ConcurrencyError, DomainError } from './errors.js';
import { defineEvent, personal } from './events.js';
import type { EventLog } from './event-log.js';
import type { Clock, IdGenerator, Secrets } from './ports.js';
import { streams } from '../streams.js';

/**
 * Retry-safe creation. A create call may carry an idempotency key; the key names, within the
 * caller's tenant and the operation, both the entity to create (a name-based UUID, so a retry and
 * a concurrent twin aim at the same stream, where the store's expected-revision check lets only
 * one creation through and the other converges on it) and a small key stream. Once the creation
 * is done, the key stream is written with 'no_stream', holding a digest of the canonical input and
 * the result: every later call with the key returns that first result and appends nothing, and
 * the same key with other input is refused. A refused creation records nothing, so the key can be
 * used again. Known limit: a crash between the creation and its record leaves no digest, so a
 * retry with *other* input under that key converges on the entity the first input created.
 */

/** 1–100 printable ASCII characters (no spaces): what a client library generates (a UUID, a ULID…). */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,100}$/, 'An idempotency key is 1 to 100 printable ASCII characters, without spaces.');

const recordedData = z.object({
  /** The entity the key created: its data subject, so forgetting that subject also erases the digest. */
  entityId: z.string(),
  operation: z.string(),
  /** SHA-256 of the canonical input: a digest of personal data, so it is encrypted like personal data. */
  inputDigest: personal(z.string()),
  /** What the call returned the first time (plain JSON without personal data). */
  result: z.record(z.string(), z.unknown()),
});
export const idempotentRequestRecorded = defineEvent({
  type: 'IdempotentRequestRecorded',
  version: 1,
  schema: recordedData,
  personal: [{ subject: 'entityId', fields: ['inputDigest'] }],
});
export const idempotencyEvents = [idempotentRequestRecorded] as const;

export const keyReused = () =>
  new DomainError('idempotency.key_reused', 'This idempotency key was already used for a different request. Use a new key for a new request.');

export interface IdempotencyDeps {
  log: EventLog;
  clock: Clock;
  ids: IdGenerator;
  /** SHA-256 hex of a text (Secrets.digest). */
  digest: Secrets['digest'];
}

export interface IdempotentRequest<R> {
  /** The application function, e.g. 'createClient': keys are scoped to it and to the caller's tenant. */
  operation: string;
  key: string | undefined;
  /** The parsed input, without the key: its canonical JSON is digested. */
  input: unknown;
  /**
   * Creates the entity with this id, or — when an earlier attempt with the key already created it
   * (a crash, or a concurrent retry) — returns what exists, without creating a second one.
   */
  create: (entityId: string) => Promise<R>;
  /** What to keep of the result (plain JSON, no personal data); the whole result by default. */
  record?: (result: R) => Record<string, unknown>;
  /** Rebuilds the result from what was kept; the kept object itself by default. */
  replay?: (kept: Record<string, unknown>) => Promise<R>;
}

/** JSON with object keys sorted and undefined left out, so equal inputs give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The entity id a key names: the same tenant, operation and key always name the same entity. A
 * name-based UUID (version 8, RFC 9562's SHA-256 layout); the parts are joined as a JSON array, so
 * ('a:b', 'c') and ('a', 'b:c') differ.
 */
export function idempotentEntityId(digest: Secrets['digest'], tenantId: string, operation: string, key: string): string {
  const hex = digest(JSON.stringify(['idempotency', tenantId, operation, key])).slice(0, 32).split('');
  hex[12] = '8'; // version 8
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The first request recorded under the key, if any. */
async function recorded(log: EventLog, streamId: string) {
  const [first] = await log.readStream(streamId, { maxCount: 1 });
  return first ? (first.data as z.infer<typeof recordedData>) : undefined;
}

/** Runs a create call once per key (see above); without a key, `create` runs with a fresh id. */
export async function once<R>(deps: IdempotencyDeps, metadata: CommandMetadata & { correlationId: string }, request: IdempotentRequest<R>): Promise<R> {
  if (request.key === undefined) return request.create(deps.ids.newId());
  const entityId = idempotentEntityId(deps.digest, metadata.tenantId, request.operation, request.key);
  const streamId = streams.idempotencyKey(entityId);
  const inputDigest = deps.digest(canonicalJson({ operation: request.operation, input: request.input }));
  const replay = async (first: z.infer<typeof recordedData>) => {
    // An erased digest (its subject was forgotten) matches no input: the key is spent.
    if (first.inputDigest !== inputDigest) throw keyReused();
    return request.replay ? request.replay(first.result) : (first.result as R);
  };

  const before = await recorded(deps.log, streamId);
  if (before) return replay(before);
  const result = await request.create(entityId);
  const data = { entityId, operation: request.operation, inputDigest, result: request.record ? request.record(result) : (result as Record<string, unknown>) };
  const context = {
    tenantId: metadata.tenantId,
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId ?? metadata.correlationId,
    occurredAt: deps.clock.now().toISOString(),
  };
  try {
    await deps.log.append(streamId, [{ type: idempotentRequestRecorded.type, data }], 'no_stream', context);
    return result;
  } catch (error) {
    // A concurrent call with the key recorded first: its result is the first one.
    if (!(error instanceof ConcurrencyError)) throw error;
    return replay((await recorded(deps.log, streamId))!);
  }
}
