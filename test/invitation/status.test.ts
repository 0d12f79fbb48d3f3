import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { invitationDecider } from '../../src/invitation/decider.js';
import type { InvitationEvent } from '../../src/invitation/events.js';
import { describeStatus, memberActivationStatus } from '../../src/invitation/status.js';
import { portalAccessDecider, type PortalAccessState } from '../../src/portal-access/decider.js';
import { daysBefore, invitationAccepted, invitationCancelled, invitationSent, now } from './builders.js';

const invitation = (...events: InvitationEvent[]) => fold(invitationDecider, events);
const noAccess = portalAccessDecider.initialState;
const activeAccess = (lastLoginAt: string | null): PortalAccessState => ({
  ...noAccess,
  status: 'active',
  activatedAt: daysBefore(10),
  lastLoginAt,
});
const secondsAfter = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000);

describe('member activation status', () => {
  it('is not invited before any invitation', () => {
    expect(memberActivationStatus(invitation(), noAccess, now)).toEqual({ state: 'not_invited' });
  });

  it('reads "Invitation sent just now" for a minute after sending', () => {
    const sentAt = now.toISOString();
    const status = memberActivationStatus(invitation(invitationSent()), noAccess, secondsAfter(sentAt, 59));
    expect(status).toEqual({ state: 'invited_just_now', sentAt });
    expect(describeStatus(status)).toBe('Invitation sent just now');
  });

  it('waits for the member to accept after that, with the date sent', () => {
    const sentAt = daysBefore(3);
    const status = memberActivationStatus(invitation(invitationSent({ sentAt })), noAccess, now);
    expect(status).toEqual({ state: 'waiting', since: sentAt });
    expect(describeStatus(status)).toBe('Waiting for member to accept invitation (sent 2026-01-12)');
  });

  it('dates the wait from the latest send', () => {
    const status = memberActivationStatus(
      invitation(invitationSent({ sentAt: daysBefore(20) }), invitationSent({ invitationId: 'id-2', sentAt: daysBefore(2) })),
      noAccess,
      now,
    );
    expect(status).toEqual({ state: 'waiting', since: daysBefore(2) });
  });

  it('is expired 30 days after sending', () => {
    const sentAt = daysBefore(31);
    const state = invitation(invitationSent({ sentAt }));
    const status = memberActivationStatus(state, noAccess, now);
    expect(status).toEqual({ state: 'expired', sentAt, expiredAt: daysBefore(1) });
    expect(describeStatus(status)).toBe('Invitation expired (sent 2025-12-15)');
  });

  it('reads as not invited once the invitation was cancelled', () => {
    expect(memberActivationStatus(invitation(invitationSent(), invitationCancelled()), noAccess, now)).toEqual({ state: 'not_invited' });
  });

  it('is active with the last login date once the member set up their account', () => {
    const lastLoginAt = daysBefore(1);
    const status = memberActivationStatus(invitation(invitationSent({ sentAt: daysBefore(5) }), invitationAccepted()), activeAccess(lastLoginAt), now);
    expect(status).toEqual({ state: 'active', lastLoginAt });
    expect(describeStatus(status)).toBe('Last logged in 2026-01-14');
  });

  it('is active without a login before the first one', () => {
    const status = memberActivationStatus(invitation(invitationSent(), invitationAccepted()), noAccess, now);
    expect(status).toEqual({ state: 'active', lastLoginAt: null });
    expect(describeStatus(status)).toBe('Account activated, not logged in yet');
  });

  it('stays active while the portal access is closed', () => {
    const closed: PortalAccessState = { ...activeAccess(null), status: 'closed', closedReason: 'toggle' };
    expect(memberActivationStatus(invitation(), closed, now)).toEqual({ state: 'active', lastLoginAt: null });
  });

  it('words "not invited"', () => {
    expect(describeStatus({ state: 'not_invited' })).toBe('Not invited');
  });
});
