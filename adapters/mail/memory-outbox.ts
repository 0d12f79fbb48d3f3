import type { AccessNotificationDelivery, AccessNotificationToDeliver, InvitationDelivery, InvitationToDeliver } from '../../src/core/ports.js';

/** Keeps what was delivered in memory, per contact (tests, examples, demo). */
export interface MemoryOutbox<Message extends { contactId: string }> {
  readonly sent: readonly Message[];
  deliver(message: Message): Promise<void>;
  lastTo(contactId: string): Message | undefined;
}

function memoryOutbox<Message extends { contactId: string }>(): MemoryOutbox<Message> {
  const sent: Message[] = [];
  return {
    sent,
    async deliver(message) {
      sent.push(message);
    },
    lastTo(contactId) {
      return sent.filter((m) => m.contactId === contactId).at(-1);
    },
  };
}

/** Invitations kept in memory instead of mailed. */
export const memoryInvitationOutbox = (): InvitationDelivery & MemoryOutbox<InvitationToDeliver> => memoryOutbox();

/** Access notifications kept in memory instead of mailed. */
export const memoryAccessNotificationOutbox = (): AccessNotificationDelivery & MemoryOutbox<AccessNotificationToDeliver> => memoryOutbox();
