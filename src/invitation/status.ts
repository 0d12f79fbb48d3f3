import type { PortalAccessState } from '../portal-access/decider.js';
import { isExpired, type InvitationState } from './decider.js';

/** How long after sending the client list shows "Invitation sent just now". */
export const JUST_NOW_MS = 60 * 1000;

/** A member's activation status in the client list, derived from events, never stored. */
export type MemberActivationStatus =
  | { state: 'not_invited' }
  | { state: 'invited_just_now'; sentAt: string }
  | { state: 'waiting'; since: string }
  | { state: 'expired'; sentAt: string; expiredAt: string }
  | { state: 'undeliverable'; sentAt: string; reason: string }
  | { state: 'active'; lastLoginAt: string | null };

type AccessFacts = Pick<PortalAccessState, 'status' | 'activatedAt' | 'lastLoginAt'>;

/**
 * The member's status at `now`. A member who has set up their account (accepted the invitation, or
 * whose access was activated) is 'active' with their last login, even while access is closed: the
 * open/closed toggle is shown separately. A cancelled invitation reads as 'not_invited'.
 */
export function memberActivationStatus(invitation: InvitationState, access: AccessFacts, now: Date): MemberActivationStatus {
  if (invitation.status === 'accepted' || access.status === 'active' || access.activatedAt !== null) {
    return { state: 'active', lastLoginAt: access.lastLoginAt };
  }
  if (invitation.status !== 'open') return { state: 'not_invited' };
  const { sentAt, expiresAt, deliveryFailure } = invitation;
  if (deliveryFailure) return { state: 'undeliverable', sentAt, reason: deliveryFailure.reason };
  if (isExpired(invitation, now)) return { state: 'expired', sentAt, expiredAt: expiresAt };
  if (now.getTime() - Date.parse(sentAt) < JUST_NOW_MS) return { state: 'invited_just_now', sentAt };
  return { state: 'waiting', since: sentAt };
}

/** The calendar date of an ISO instant (UTC), as shown in brackets in the client list. */
const day = (iso: string) => iso.slice(0, 10);

/** The client list's wording for a status (the issue's: "Waiting for member to accept invitation (sent DATE)", DATE the day it was sent). */
export function describeStatus(status: MemberActivationStatus): string {
  switch (status.state) {
    case 'not_invited':
      return 'Not invited';
    case 'invited_just_now':
      return 'Invitation sent just now';
    case 'waiting':
      return `Waiting for member to accept invitation (sent ${day(status.since)})`;
    case 'expired':
      return `Invitation expired (sent ${day(status.sentAt)})`;
    case 'undeliverable':
      return `Invitation could not be delivered (sent ${day(status.sentAt)}): ${status.reason}`;
    case 'active':
      return status.lastLoginAt === null ? 'Account activated, not logged in yet' : `Last logged in ${day(status.lastLoginAt)}`;
  }
}
