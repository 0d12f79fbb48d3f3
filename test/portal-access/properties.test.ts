import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { isEmail, normaliseEmail } from '../../src/core/email.js';
import { PortalError } from '../../src/core/errors.js';
import type { PortalAccessCommand } from '../../src/portal-access/commands.js';
import { portalAccessDecider, type PortalAccessState } from '../../src/portal-access/decider.js';
import { portalAccessEvents, type PortalAccessEvent } from '../../src/portal-access/events.js';
import type { SharedItem } from '../../src/portal-access/shared-items.js';
import { testContext } from '../support/decider-spec.js';
import { activate, changeLoginEmail, close, editSelection, openAccessWith, recordLogin } from './builders.js';

const item: fc.Arbitrary<SharedItem> = fc.oneof(
  fc.constantFrom('Tax', 'Tax/2024', '/Payroll/', '').map((path) => ({ kind: 'folder' as const, path })),
  fc.constantFrom('doc-1', 'doc-2').map((documentId) => ({ kind: 'document' as const, documentId })),
);
// Spellings of the same few addresses, so a login email is sometimes a contact email and sometimes new.
const email = fc.constantFrom('ann@example.com', 'ann@work.example', 'ANN@example.com', ' ann@home.example ');
// The contact's emails, a fact from the Client: half the time none at all.
const contactEmails = fc.oneof(fc.constant<string[]>([]), fc.array(email, { minLength: 1, maxLength: 2 }));
// The firm may leave the login email out (the contact's first email is meant), or type a malformed one.
const loginEmail = fc.option(fc.oneof({ weight: 5, arbitrary: email }, { weight: 1, arbitrary: fc.constant('ann.example.com') }), {
  nil: undefined,
  freq: 2,
});
const command: fc.Arbitrary<PortalAccessCommand> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(contactEmails, loginEmail, fc.array(item, { maxLength: 3 })).map(([emails, login, items]) => openAccessWith(emails, login, items)) },
  { weight: 1, arbitrary: fc.constantFrom('pw-1', 'pw-2').map((pw) => activate(pw)) },
  { weight: 1, arbitrary: fc.constantFrom('access_window', 'toggle', 'client_archived' as const).map((via) => close(via)) },
  { weight: 1, arbitrary: fc.array(item, { maxLength: 3 }).map((items) => editSelection(items)) },
  { weight: 2, arbitrary: fc.tuple(email, contactEmails).map(([login, emails]) => changeLoginEmail(login, emails)) },
  { weight: 1, arbitrary: fc.constant(recordLogin()) },
);

const schemas = new Map(portalAccessEvents.map((d) => [d.type, d.schema]));
const isOpen = (state: PortalAccessState) => state.status === 'pending' || state.status === 'active';

/** The login email an event sets, with the contact emails its command was given. */
interface LoginEmailSource {
  loginEmail: string;
  addToContactEmails: boolean;
  contactEmails: string[];
}

function loginEmailSource(command: PortalAccessCommand, event: PortalAccessEvent): LoginEmailSource | null {
  if (event.type !== 'PortalAccessOpened' && event.type !== 'LoginEmailChanged') return null;
  if (command.type !== 'OpenPortalAccess' && command.type !== 'ChangeLoginEmail') throw new Error(`${event.type} decided for ${command.type}`);
  const { loginEmail, addToContactEmails } = event.data;
  return { loginEmail, addToContactEmails, contactEmails: command.data.contactEmails.map(normaliseEmail) };
}

describe('portal access invariants', () => {
  it('random command sequences keep the access consistent, and folding is deterministic', () => {
    let refusedWithoutEmail = 0;
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        const history: PortalAccessEvent[] = [];
        let source: LoginEmailSource | null = null;
        for (const c of commands) {
          const state = fold(portalAccessDecider, history);
          const withoutAnyEmail = c.type === 'OpenPortalAccess' && c.data.loginEmail === undefined && c.data.contactEmails.length === 0;
          let events: PortalAccessEvent[];
          try {
            events = portalAccessDecider.decide(c, state, testContext());
          } catch (error) {
            expect(error).toBeInstanceOf(PortalError);
            if (withoutAnyEmail && !isOpen(state) && c.data.sharedItems.length > 0) {
              refusedWithoutEmail++;
              expect((error as PortalError).code).toBe('portal_access.no_email');
            }
            events = [];
          }
          expect(withoutAnyEmail && events.length > 0, 'opened access without any email').toBe(false);
          for (const event of events) {
            expect(schemas.get(event.type)!.safeParse(event.data).success).toBe(true);
            const set = loginEmailSource(c, event);
            if (set) {
              // Flagged exactly when the login email is not one of the contact's addresses.
              expect(set.addToContactEmails, `addToContactEmails for ${set.loginEmail}`).toBe(!set.contactEmails.includes(set.loginEmail));
              source = set;
            }
          }
          if (c.type === 'RecordLogin' && events.length > 0) expect(state.status).toBe('active');
          history.push(...events);
          const after = fold(portalAccessDecider, history);
          if (isOpen(after)) {
            expect(after.sharedItems.length).toBeGreaterThan(0);
            expect(after.loginEmail).not.toBeNull();
            const login = after.loginEmail!;
            expect(isEmail(login) && login === normaliseEmail(login), `valid login email: ${login}`).toBe(true);
            // The login email is one of the contact's addresses, or the Client is told to add it.
            expect(source?.loginEmail).toBe(login);
            expect(source!.contactEmails.includes(login) || source!.addToContactEmails).toBe(true);
          }
          if (after.status === 'active') expect(after.passwordHash).not.toBeNull();
          if (after.status === 'closed') expect(after.closedReason).not.toBeNull();
        }
        expect(fold(portalAccessDecider, history)).toEqual(fold(portalAccessDecider, history));
      }),
      { numRuns: 300 },
    );
    // The refusal must really be exercised, not just allowed for.
    expect(refusedWithoutEmail).toBeGreaterThan(20);
  });
});
