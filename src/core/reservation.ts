import { z } from 'zod';
import type { CommandMetadata } from './command-handler.js';
import { defineEvent } from './events.js';
import { ConcurrencyError, DomainError } from './errors.js';
import type { AppendContext, EventLog } from './event-log.js';
import type { Clock, IdGenerator } from './ports.js';
import { streams } from '../streams.js';

/**
 * Uniqueness across streams ("company names are unique"): a value is claimed by appending to a
 * stream named after it with expected revision "no stream", so the store itself rejects the second
 * claim, however concurrent. A released value can be claimed again.
 */
const reservationData = z.object({ kind: z.string(), key: z.string(), ownerId: z.string() });
export const valueReserved = defineEvent({ type: 'ValueReserved', version: 1, schema: reservationData });
export const reservationReleased = defineEvent({ type: 'ReservationReleased', version: 1, schema: reservationData });
export const reservationEvents = [valueReserved, reservationReleased] as const;

export interface Reservation {
  kind: string;
  /** Already normalised by the caller (e.g. case- and whitespace-insensitive). */
  key: string;
  /** Whoever holds it: claiming again for the same owner succeeds (idempotent). */
  ownerId: string;
}

export interface ReservationDeps {
  log: EventLog;
  clock: Clock;
  ids: IdGenerator;
}

function appendContext(deps: ReservationDeps, metadata: CommandMetadata): AppendContext {
  const correlationId = metadata.correlationId ?? deps.ids.newId();
  return {
    tenantId: metadata.tenantId,
    actor: metadata.actor,
    correlationId,
    causationId: metadata.causationId ?? correlationId,
    occurredAt: deps.clock.now().toISOString(),
  };
}

async function holder(log: EventLog, streamId: string) {
  const [last] = await log.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  if (!last) return { revision: 'no_stream' as const, ownerId: undefined };
  const data = last.data as z.infer<typeof reservationData>;
  return { revision: last.revision, ownerId: last.type === valueReserved.type ? data.ownerId : undefined };
}

/** Who holds the value now (undefined: nobody, or it was released). */
export async function holderOf(deps: Pick<ReservationDeps, 'log'>, kind: string, key: string): Promise<string | undefined> {
  return (await holder(deps.log, streams.reservation(kind, key))).ownerId;
}

/** Claims a value; throws DomainError `reservation.taken` when someone else holds it. */
export async function reserve(deps: ReservationDeps, reservation: Reservation, metadata: CommandMetadata): Promise<void> {
  const streamId = streams.reservation(reservation.kind, reservation.key);
  const taken = () =>
    // The key stays out of the message and details: some keys hold client ids.
    new DomainError('reservation.taken', `This ${reservation.kind} is already taken.`, { kind: reservation.kind });
  const current = await holder(deps.log, streamId);
  if (current.ownerId === reservation.ownerId) return;
  if (current.ownerId !== undefined) throw taken();
  try {
    await deps.log.append(streamId, [{ type: valueReserved.type, data: reservation }], current.revision, appendContext(deps, metadata));
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    if ((await holder(deps.log, streamId)).ownerId !== reservation.ownerId) throw taken();
  }
}

/**
 * Gives a value back; only its holder can release it. Releasing what one does not hold is a no-op.
 * Returns the global position of the release, or null when there was nothing to release.
 */
export async function release(deps: ReservationDeps, reservation: Reservation, metadata: CommandMetadata): Promise<number | null> {
  const streamId = streams.reservation(reservation.kind, reservation.key);
  const current = await holder(deps.log, streamId);
  if (current.ownerId !== reservation.ownerId) return null;
  const { position } = await deps.log.append(streamId, [{ type: reservationReleased.type, data: reservation }], current.revision, appendContext(deps, metadata));
  return position;
}
