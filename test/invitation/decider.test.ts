import { describe, expect, it } from 'vitest';
import { invitationDecider } from '../../src/invitation/decider.js';
import type { InvitationEvent } from '../../src/invitation/events.js';
import { spec } from '../support/decider-spec.js';
import {
  acceptInvitation,
  cancelInvitation,
  daysBefore,
  invitationAccepted,
  invitationCancelled,
  invitationSent,
  sendInvitation,
} from './builders.js';

const given = (...history: InvitationEvent[]) => spec(invitationDecider).given(...history);

describe('sending an invitation', () => {
  it('sends an invitation valid for 30 days from sending', () => {
    given().when(sendInvitation()).then(invitationSent());
  });

  it('sends the digital form along when one is chosen', () => {
    given().when(sendInvitation({ formId: 'form-7' })).then(invitationSent({ formId: 'form-7' }));
  });

  it("names the form when the form's name is given", () => {
    given().when(sendInvitation({ formId: 'form-7', formName: 'Tax questionnaire 2025' })).then(invitationSent({ formId: 'form-7', formName: 'Tax questionnaire 2025' }));
  });

  it('takes the send id the application chose (its token is derived from it)', () => {
    given().when(sendInvitation({ invitationId: 'send-42' })).then(invitationSent({ invitationId: 'send-42' }));
  });

  it('stores the email address trimmed and lower-cased', () => {
    given().when(sendInvitation({ email: '  Ann@Example.COM ' })).then(invitationSent());
  });

  it('refuses an address that is not an email', () => {
    given().when(sendInvitation({ email: 'ann-at-example' })).thenThrows('validation.failed');
  });

  it('refuses a send without a token hash', () => {
    given().when(sendInvitation({ tokenHash: '' })).thenThrows('validation.failed');
  });

  it('resends with a fresh token that replaces the previous one', () => {
    given(invitationSent({ sentAt: daysBefore(3) }))
      .when(sendInvitation({ reason: 'resend', tokenHash: 'hash-2' }))
      .then(invitationSent({ reason: 'resend', tokenHash: 'hash-2' }));
  });

  it('refuses to send to a member who already accepted', () => {
    given(invitationSent(), invitationAccepted()).when(sendInvitation({ reason: 'resend' })).thenThrows('invitation.already_accepted');
  });

  it('sends again after the invitation was cancelled', () => {
    given(invitationSent(), invitationCancelled()).when(sendInvitation({ tokenHash: 'hash-2' })).then(invitationSent({ tokenHash: 'hash-2' }));
  });

  it('refuses a command for another contact than the stream', () => {
    given(invitationSent()).when(sendInvitation({ contactId: 'contact-2' })).thenThrows('invitation.contact_mismatch');
  });
});

describe('a delivery refused for good', () => {
  const failure = (invitationId = 'id-1') => ({ type: 'RecordDeliveryFailure' as const, data: { contactId: 'contact-1', invitationId, reason: '550 mailbox unavailable' } });
  const failed = { type: 'InvitationDeliveryFailed' as const, data: { invitationId: 'id-1', contactId: 'contact-1', clientId: 'client-1', reason: '550 mailbox unavailable', failedAt: new Date(0).toISOString() } };

  it("is recorded for the latest send, and the state shows it until the next send", () => {
    const events = given(invitationSent()).when(failure()).then(() => undefined);
    expect(events).toMatchObject([{ type: 'InvitationDeliveryFailed', data: { invitationId: 'id-1', reason: '550 mailbox unavailable' } }]);
    const history: InvitationEvent[] = [invitationSent(), ...events];
    expect(history.reduce(invitationDecider.evolve, invitationDecider.initialState)).toMatchObject({ deliveryFailure: { reason: '550 mailbox unavailable' } });
    const state = [...history, invitationSent({ invitationId: 'id-2' })].reduce(invitationDecider.evolve, invitationDecider.initialState);
    expect(state).toMatchObject({ status: 'open', invitationId: 'id-2', deliveryFailure: null });
  });

  it("records nothing for a send that is no longer the latest, an accepted one, or twice", () => {
    given(invitationSent(), invitationSent({ invitationId: 'id-2' })).when(failure('id-1')).then();
    given(invitationSent(), invitationAccepted()).when(failure()).then();
    given(invitationSent(), failed).when(failure()).then();
  });
});

describe('accepting an invitation', () => {
  it('records the acceptance with the password hash', () => {
    given(invitationSent({ sentAt: daysBefore(2) })).when(acceptInvitation()).then(invitationAccepted());
  });

  it('refuses the token of an earlier send', () => {
    given(invitationSent({ sentAt: daysBefore(5) }), invitationSent({ invitationId: 'id-2', tokenHash: 'hash-2', sentAt: daysBefore(1) }))
      .when(acceptInvitation('hash-1'))
      .thenThrows('invitation.invalid_token');
  });

  it('accepts the token of the latest send', () => {
    given(invitationSent({ sentAt: daysBefore(5) }), invitationSent({ invitationId: 'id-2', tokenHash: 'hash-2', sentAt: daysBefore(1) }))
      .when(acceptInvitation('hash-2'))
      .then(invitationAccepted('id-2'));
  });

  it('refuses an invitation sent 30 days ago or more', () => {
    const error = given(invitationSent({ sentAt: daysBefore(30) })).when(acceptInvitation()).thenThrows('invitation.expired');
    expect(error.message).toBe('This invitation has expired. Ask your firm to send a new one.');
  });

  it('accepts on the last day of the 30', () => {
    given(invitationSent({ sentAt: daysBefore(29.9) })).when(acceptInvitation()).then(invitationAccepted());
  });

  it('accepts a resend made after the first invitation expired', () => {
    given(invitationSent({ sentAt: daysBefore(40) }), invitationSent({ invitationId: 'id-2', tokenHash: 'hash-2', reason: 'resend', sentAt: daysBefore(1) }))
      .when(acceptInvitation('hash-2'))
      .then(invitationAccepted('id-2'));
  });

  it('refuses accepting twice', () => {
    given(invitationSent(), invitationAccepted()).when(acceptInvitation()).thenThrows('invitation.already_accepted');
  });

  it('refuses accepting when no invitation was sent', () => {
    given().when(acceptInvitation()).thenThrows('invitation.not_found');
  });

  it('refuses accepting a cancelled invitation', () => {
    given(invitationSent(), invitationCancelled()).when(acceptInvitation()).thenThrows('invitation.cancelled');
  });

  it('refuses an acceptance without a password hash', () => {
    given(invitationSent()).when(acceptInvitation('hash-1', '')).thenThrows('validation.failed');
  });
});

describe('cancelling an invitation', () => {
  it('cancels the open invitation', () => {
    given(invitationSent()).when(cancelInvitation('member_removed')).then(invitationCancelled('id-1', 'member_removed'));
  });

  it('cancels an open invitation that has already expired', () => {
    given(invitationSent({ sentAt: daysBefore(31) })).when(cancelInvitation()).then(invitationCancelled());
  });

  it('does nothing when no invitation was ever sent', () => {
    given().when(cancelInvitation()).then();
  });

  it('does nothing when the invitation was accepted', () => {
    given(invitationSent(), invitationAccepted()).when(cancelInvitation()).then();
  });

  it('does nothing when the invitation is already cancelled', () => {
    given(invitationSent(), invitationCancelled()).when(cancelInvitation()).then();
  });
});
