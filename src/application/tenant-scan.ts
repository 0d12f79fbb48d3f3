import type { RecordedEvent } from '../core/envelope.js';
import type { AppContext } from './context.js';

/**
 * Reads every event of one tenant on streams with a given prefix, in global order.
 *
 * A stop-gap until projections exist: it walks the whole log (filtered by the store), so it costs
 * O(log size). It is only used for rare, firm-wide follow-ups (a staff user removed, the OneDrive
 * account changed), never on a hot path. The tenant check is on each event's metadata.
 */
export async function* tenantEvents(
  ctx: AppContext,
  tenantId: string,
  filter: { streamPrefix: string; eventTypes: readonly string[] },
): AsyncIterable<RecordedEvent> {
  const events = ctx.log.readAll({ filter: { streamPrefixes: [filter.streamPrefix], eventTypePrefixes: filter.eventTypes } });
  for await (const event of events) {
    // Prefix filters would also let `StaffAssignedX` through: keep exact type matches only.
    if (event.metadata.tenantId === tenantId && filter.eventTypes.includes(event.type)) yield event;
  }
}

/** True when the stream holds an event of this type whose data passes `match`: "was this already done?" */
export async function streamHas(
  ctx: AppContext,
  streamId: string,
  type: string,
  match: (data: any) => boolean = () => true,
): Promise<RecordedEvent | undefined> {
  const events = await ctx.log.readStream(streamId);
  return events.findLast((e) => e.type === type && match(e.data));
}
