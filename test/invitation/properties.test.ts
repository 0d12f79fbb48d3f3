import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { PortalError } from '../../src/core/errors.js';
import type { InvitationCommand } from '../../src/invitation/commands.js';
import { invitationDecider } from '../../src/invitation/decider.js';
import { invitationEvents, type InvitationEvent } from '../../src/invitation/events.js';
import { testContext } from '../support/decider-spec.js';
import { acceptInvitation, cancelInvitation, sendInvitation } from './builders.js';

const token = fc.constantFrom('hash-1', 'hash-2', 'hash-3');
const command: fc.Arbitrary<InvitationCommand> = fc.oneof(
  fc.record({ t: token, reason: fc.constantFrom('invite', 'resend', 'guest_added', 'access_opened' as const), email: fc.constantFrom('a@x.com', 'B@x.com ') })
    .map(({ t, reason, email }) => sendInvitation({ tokenHash: t, reason, email })),
  token.map((t) => acceptInvitation(t)),
  fc.constantFrom('client_archived', 'member_removed' as const).map((r) => cancelInvitation(r)),
);
/** Each step happens some hours to 40 days after the previous one. */
const steps = fc.array(fc.record({ command, hoursLater: fc.integer({ min: 0, max: 40 * 24 }) }), { maxLength: 25 });

const schemas = new Map(invitationEvents.map((d) => [d.type, d.schema]));

describe('invitation invariants', () => {
  it('random command sequences keep the invitation consistent, and folding is deterministic', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        let now = new Date('2026-01-01T00:00:00.000Z');
        let ids = 0;
        const history: InvitationEvent[] = [];
        for (const { command: c, hoursLater } of sequence) {
          now = new Date(now.getTime() + hoursLater * 3_600_000);
          const state = fold(invitationDecider, history);
          let events: InvitationEvent[] = [];
          try {
            events = invitationDecider.decide(c, state, testContext({ now, newId: () => `inv-${++ids}` }));
          } catch (error) {
            expect(error).toBeInstanceOf(PortalError);
          }
          for (const event of events) {
            expect(schemas.get(event.type)!.safeParse(event.data).success).toBe(true);
            if (event.type === 'InvitationSent') expect(state.status).not.toBe('accepted');
            if (event.type === 'InvitationAccepted') {
              // Only the latest token, within its 30 days.
              expect(state.status).toBe('open');
              if (state.status !== 'open' || c.type !== 'AcceptInvitation') throw new Error('unexpected acceptance');
              expect(c.data.tokenHash).toBe(state.tokenHash);
              expect(now.getTime()).toBeLessThan(Date.parse(state.expiresAt));
            }
          }
          history.push(...events);
        }
        expect(history.filter((e) => e.type === 'InvitationAccepted').length).toBeLessThanOrEqual(1);
        expect(fold(invitationDecider, history)).toEqual(fold(invitationDecider, history));
      }),
    );
  });
});
