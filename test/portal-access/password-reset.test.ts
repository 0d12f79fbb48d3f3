import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { portalAccessDecider } from '../../src/portal-access/decider.js';
import type { PortalAccessEvent } from '../../src/portal-access/events.js';
import { spec } from '../support/decider-spec.js';
import {
  accessActivated,
  accessClosed,
  accessOpened,
  loginEmailChanged,
  passwordWasReset,
  requestReset,
  resetPassword,
  resetRequested,
} from './builders.js';

const given = (...history: PortalAccessEvent[]) => spec(portalAccessDecider).given(...history);
const active = [accessOpened(), accessActivated()];

describe('asking for a password reset', () => {
  it('sends a reset link to the login email, valid for an hour, keeping only its digest', () => {
    given(...active).when(requestReset()).then(resetRequested());
  });

  it('refuses a contact who never activated their access', () => {
    given(accessOpened()).when(requestReset()).thenThrows('portal_access.not_activated');
  });

  it('refuses closed access', () => {
    given(...active, accessClosed()).when(requestReset()).thenThrows('portal_access.closed');
  });
});

describe('setting a new password with the link', () => {
  it('sets the new password and uses the link up', () => {
    given(...active, resetRequested()).when(resetPassword()).then(passwordWasReset());
    const state = fold(portalAccessDecider, [...active, resetRequested(), passwordWasReset()]);
    expect(state.passwordHash).toBe('scrypt$new');
    expect(state.passwordReset).toBeNull();
  });

  it('refuses a used link', () => {
    given(...active, resetRequested(), passwordWasReset()).when(resetPassword()).thenThrows('portal_access.reset_link_invalid');
  });

  it('refuses a link replaced by a later request', () => {
    given(...active, resetRequested(), resetRequested({ resetId: 'reset-2', tokenHash: 'digest-2' }))
      .when(resetPassword('digest-1'))
      .thenThrows('portal_access.reset_link_invalid');
  });

  it('refuses an expired link', () => {
    given(...active, resetRequested({ expiresAt: '2026-01-15T09:00:00.000Z' })).when(resetPassword()).thenThrows('portal_access.reset_link_invalid');
  });

  it('refuses a wrong token the same way', () => {
    given(...active, resetRequested()).when(resetPassword('guessed')).thenThrows('portal_access.reset_link_invalid');
  });

  it('refuses when no reset was asked for', () => {
    given(...active).when(resetPassword()).thenThrows('portal_access.reset_link_invalid');
  });

  it('refuses once access was closed, and after the login email changed', () => {
    given(...active, resetRequested(), accessClosed()).when(resetPassword()).thenThrows('portal_access.reset_link_invalid');
    given(...active, resetRequested(), loginEmailChanged()).when(resetPassword()).thenThrows('portal_access.reset_link_invalid');
  });
});
