import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { PortalError } from '../../src/core/errors.js';
import type { PortalAccessCommand } from '../../src/portal-access/commands.js';
import { portalAccessDecider } from '../../src/portal-access/decider.js';
import { portalAccessEvents, type PortalAccessEvent } from '../../src/portal-access/events.js';
import type { SharedItem } from '../../src/portal-access/shared-items.js';
import { testContext } from '../support/decider-spec.js';
import { activate, changeLoginEmail, close, editSelection, openAccess, recordLogin } from './builders.js';

const item: fc.Arbitrary<SharedItem> = fc.oneof(
  fc.constantFrom('Tax', 'Tax/2024', '/Payroll/', '').map((path) => ({ kind: 'folder' as const, path })),
  fc.constantFrom('doc-1', 'doc-2').map((documentId) => ({ kind: 'document' as const, documentId })),
);
const email = fc.constantFrom('ann@example.com', 'ann@work.example', 'ANN@example.com');
const command: fc.Arbitrary<PortalAccessCommand> = fc.oneof(
  fc.record({ loginEmail: email, sharedItems: fc.array(item, { maxLength: 3 }) }).map((d) => openAccess(d)),
  fc.constantFrom('pw-1', 'pw-2').map((pw) => activate(pw)),
  fc.constantFrom('access_window', 'toggle', 'client_archived' as const).map((via) => close(via)),
  fc.array(item, { maxLength: 3 }).map((items) => editSelection(items)),
  email.map((e) => changeLoginEmail(e)),
  fc.constant(recordLogin()),
);

const schemas = new Map(portalAccessEvents.map((d) => [d.type, d.schema]));

describe('portal access invariants', () => {
  it('random command sequences keep the access consistent, and folding is deterministic', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        const history: PortalAccessEvent[] = [];
        for (const c of commands) {
          const state = fold(portalAccessDecider, history);
          try {
            const events = portalAccessDecider.decide(c, state, testContext());
            for (const event of events) expect(schemas.get(event.type)!.safeParse(event.data).success).toBe(true);
            if (c.type === 'RecordLogin' && events.length > 0) expect(state.status).toBe('active');
            history.push(...events);
          } catch (error) {
            expect(error).toBeInstanceOf(PortalError);
          }
          const after = fold(portalAccessDecider, history);
          if (after.status === 'pending' || after.status === 'active') {
            expect(after.sharedItems.length).toBeGreaterThan(0);
            expect(after.loginEmail).not.toBeNull();
          }
          if (after.status === 'active') expect(after.passwordHash).not.toBeNull();
          if (after.status === 'closed') expect(after.closedReason).not.toBeNull();
        }
        expect(fold(portalAccessDecider, history)).toEqual(fold(portalAccessDecider, history));
      }),
    );
  });
});
