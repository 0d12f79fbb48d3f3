import type { RecordedEvent } from '../core/envelope.js';
import type { AppContext } from './context.js';

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
