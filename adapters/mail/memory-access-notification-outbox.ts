import type { AccessNotificationDelivery, AccessNotificationToDeliver } from '../../src/core/ports.js';

/** Keeps delivered access notifications in memory (tests, examples, demo). */
export function memoryAccessNotificationOutbox(): AccessNotificationDelivery & {
  readonly sent: readonly AccessNotificationToDeliver[];
  lastTo(contactId: string): AccessNotificationToDeliver | undefined;
} {
  const sent: AccessNotificationToDeliver[] = [];
  return {
    sent,
    async deliver(notification) {
      sent.push(notification);
    },
    lastTo(contactId) {
      return sent.filter((n) => n.contactId === contactId).at(-1);
    },
  };
}
