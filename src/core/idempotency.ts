import { z } from 'zod';
import type { CommandMetadata } from './command-handler.js';
import { ConcurrencyError, DomainError } from './errors.js';
import { defineEvent, personal } from './events.js';
import type { EventLog } from './event-log.js';
import type { Clock, IdGenerator } from './ports.js';
import { nameBasedUuid, sha256Hex } from './sha256.js';
import { streams } from '../streams.js';

/**
 * Retry-safe creation. A create call may carry an idempotency key; the key names, within the
 * caller's tenant and the operation, both the entity to create (a name-based UUID, so concurrent
 * retries aim at the same stream and the store's own expected-revision check makes them converge)
 * and a small key stream. The key stream is claimed with 'no_stream' and holds a digest of the
 * canonical input, so the same key with other input is refused; then it records the first result,
 * which every retry returns without appending anything.
 */

/** 1–100 printable ASCII characters (no spaces): what a client library generates (a UUID, a ULID…). */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,100}$/, 'An idempotency key is 1 to 100 printable ASCII characters, without spaces.');

const claimedData = z.object({
  /** The entity the key creates: its data subject, so forgetting that subject also erases the digest. */
  entityId: z.string(),
  operation: z.string(),
  /** SHA-256 of the canonical input: a digest of personal data, so it is encrypted like personal data. */
  inputDigest: personal(z.string()),
});
export const idempotencyKeyClaimed = defineEvent({
  type: 'IdempotencyKeyClaimed',
  version: 1,
  schema: claimedData,
  personal: [{ subject: 'entityId', fields: ['inputDigest'] }],
});
export const idempotentResultRecorded = defineEvent({
  type: 'IdempotentResultRecorded',
  version: 1,
  schema: z.object({ result: z.record(z.string(), z.unknown()) }),
});
export const idempotencyEvents = [idempotencyKeyClaimed, idempotentResultRecorded] as const;

export const keyReused = () =>
  new DomainError('idempotency.key_reused', 'This idempotency key was already used for a different request. Use a new key for a new request.');

export interface IdempotencyDeps {
  log: EventLog;
  clock: Clock;
  ids: IdGenerator;
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

/** The entity id a key names: the same tenant, operation and key always name the same entity. */
export const idempotentEntityId = (tenantId: string, operation: string, key: string) => nameBasedUuid('idempotency', tenantId, operation, key);

async function read(log: EventLog, streamId: string) {
  const events = await log.readStream(streamId);
  const claim = events.find((e) => e.type === idempotencyKeyClaimed.type);
  const recorded = events.find((e) => e.type === idempotentResultRecorded.type);
  return {
    digest: claim ? (claim.data as z.infer<typeof claimedData>).inputDigest : undefined,
    revision: claim?.revision,
    result: recorded ? (recorded.data as { result: Record<string, unknown> }).result : undefined,
  };
}

/** Runs a create call once per key (see above); without a key, `create` runs with a fresh id. */
export async function once<R>(deps: IdempotencyDeps, metadata: CommandMetadata & { correlationId: string }, request: IdempotentRequest<R>): Promise<R> {
  if (request.key === undefined) return request.create(deps.ids.newId());
  const entityId = idempotentEntityId(metadata.tenantId, request.operation, request.key);
  const streamId = streams.idempotencyKey(entityId);
  const digest = sha256Hex(canonicalJson({ operation: request.operation, input: request.input }));
  const context = {
    tenantId: metadata.tenantId,
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId ?? metadata.correlationId,
    occurredAt: deps.clock.now().toISOString(),
  };
  const replay = (kept: Record<string, unknown>) => (request.replay ? request.replay(kept) : Promise.resolve(kept as R));

  let seen = await read(deps.log, streamId);
  if (seen.digest === undefined) {
    try {
      const claim = { entityId, operation: request.operation, inputDigest: digest };
      await deps.log.append(streamId, [{ type: idempotencyKeyClaimed.type, data: claim }], 'no_stream', context);
      seen = { digest, revision: 0, result: undefined };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      seen = await read(deps.log, streamId);
    }
  }
  if (seen.digest !== digest) throw keyReused();
  if (seen.result !== undefined) return replay(seen.result);

  const result = await request.create(entityId);
  const kept = request.record ? request.record(result) : (result as Record<string, unknown>);
  try {
    await deps.log.append(streamId, [{ type: idempotentResultRecorded.type, data: { result: kept } }], seen.revision!, context);
    return result;
  } catch (error) {
    // A concurrent retry recorded its result first: every call with the key returns that one.
    if (!(error instanceof ConcurrencyError)) throw error;
    const first = (await read(deps.log, streamId)).result;
    return first === undefined ? result : replay(first);
  }
}
