import type { InvitationDelivery, InvitationToDeliver } from '../../src/core/ports.js';

/** Keeps delivered invitations in memory (tests, examples, demo). */
export function memoryInvitationOutbox(): InvitationDelivery & { readonly sent: readonly InvitationToDeliver[]; lastTo(contactId: string): InvitationToDeliver | undefined } {
  const sent: InvitationToDeliver[] = [];
  return {
    sent,
    async deliver(invitation) {
      sent.push(invitation);
    },
    lastTo(contactId) {
      return sent.filter((i) => i.contactId === contactId).at(-1);
    },
  };
}
