import { UsageError } from './options.js';
import type { Portal } from '../../src/application/portal.js';
import { streams } from '../../src/streams.js';

/** The firm must exist: an unknown id is an error, not an empty answer. */
export async function requireFirm(portal: Portal, firmId: string): Promise<void> {
  const events = await portal.log.store.readStream(streams.firm(firmId), { maxCount: 1 });
  if (events.length === 0) throw new UsageError(`No firm has the id ${firmId}.`);
}

/** The firm a client belongs to, from its stream's events. */
export async function firmOfClient(portal: Portal, clientId: string): Promise<string> {
  const [first] = await portal.log.store.readStream(streams.client(clientId), { maxCount: 1 });
  if (!first) throw new UsageError(`No client has the id ${clientId}.`);
  return first.metadata.tenantId;
}
