import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import type { Actor } from '../../src/core/envelope.js';
import { PortalError } from '../../src/core/errors.js';
import type { FirmCommand } from '../../src/firm/commands.js';
import { firmDecider } from '../../src/firm/decider.js';
import { firmEvents, type FirmEvent } from '../../src/firm/events.js';
import { premiumAppCatalogue } from '../../src/firm/premium-apps.js';
import { partnerAdminsOf, type FirmState } from '../../src/firm/state.js';
import { testContext } from '../support/decider-spec.js';
import * as b from './builders.js';

const people = [b.alice, b.bob, b.carol, { userId: 'user-4', name: 'Dee', email: 'dee@smith.example' }];
const person = fc.constantFrom(...people);
const role = fc.constantFrom('partner_admin' as const, 'staff' as const);
const alice = b.asStaff(b.alice.userId).actor!;
const platform = b.asPlatform.actor!;
// Alice, the first partner admin, acts most often so sequences get past the authorisation guards.
const actor = fc.oneof(
  { weight: 5, arbitrary: fc.constant(alice) },
  { weight: 3, arbitrary: fc.constantFrom(...people.slice(1).map((p) => b.asStaff(p.userId).actor!)) },
  { weight: 2, arbitrary: fc.constantFrom(platform, b.asSync.actor!) },
);

const command: fc.Arbitrary<FirmCommand> = fc.oneof(
  person.map((p) => b.createFirm('Smith & Co', p)),
  fc.tuple(person, role).map(([p, r]) => b.addStaffUser(p, r)),
  fc.tuple(person, role).map(([p, r]) => b.changeStaffRole(p.userId, r)),
  person.map((p) => b.removeStaffUser(p.userId)),
  fc.boolean().map((l) => b.enablePartnerFeatures(l)),
  fc.constant(b.disablePartnerFeatures()),
  fc.boolean().map((l) => b.changeLicensingPartner(l)),
  fc
    .tuple(fc.constantFrom('Acme Ltd', 'ACME  ltd', 'Beta Pty', ' beta pty'), fc.subarray([...premiumAppCatalogue]))
    .map(([name, premiumApps]) => b.createManagedCompany({ name, premiumApps })),
  fc.constantFrom('#ABCDEF', 'red').map((primaryColour) => b.setBranding({ primaryColour })),
  fc.constant(b.clearBranding()),
  fc
    .tuple(fc.constantFrom('od-1', 'od-2'), fc.constantFrom('personal' as const, 'business' as const), fc.subarray(['client-1', 'client-2']))
    .map(([accountId, driveType, linkedClientIds]) => b.connectOneDrive({ accountId, driveType, linkedClientIds })),
  fc.constant(b.markNeedsReconnect()),
  fc.constant(b.disconnectOneDrive()),
);

function checkInvariants(state: FirmState): void {
  if (state.status === 'new') return;
  expect(partnerAdminsOf(state).length).toBeGreaterThanOrEqual(1);
  expect(new Set(state.staff.map((s) => s.userId)).size).toBe(state.staff.length);
  expect(new Set(state.staff.map((s) => s.email)).size).toBe(state.staff.length);
  expect(new Set(state.managedCompanies.map((c) => c.nameKey)).size).toBe(state.managedCompanies.length);
  if (state.oneDrive.status !== 'not_connected') expect(state.oneDrive.accountId).not.toBeNull();
}

const definitions = new Map(firmEvents.map((d) => [d.type, d]));

describe('firm properties', () => {
  it('random command sequences never break the invariants, and folding is deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(command, actor), { minLength: 10, maxLength: 60 }), fc.constantFrom(0, 1, 2), (randomSteps, opening) => {
        // Most runs start from an open firm (half of those a partner), so sequences explore more than refusals.
        const prefix: Array<[FirmCommand, typeof alice]> = [
          [b.createFirm(), alice],
          [b.enablePartnerFeatures(true), platform],
        ];
        const steps = [...prefix.slice(0, opening), ...randomSteps];
        let state = firmDecider.initialState;
        const history: FirmEvent[] = [];
        let ids = 0;
        for (const [cmd, who] of steps) {
          let decided: FirmEvent[];
          try {
            decided = firmDecider.decide(cmd, state, testContext({ actor: who, newId: () => `gen-${++ids}` }));
          } catch (error) {
            if (error instanceof PortalError) continue;
            throw error;
          }
          for (const event of decided) {
            definitions.get(event.type)!.schema.parse(event.data);
            state = firmDecider.evolve(state, event);
            history.push(event);
          }
          checkInvariants(state);
        }
        expect(fold(firmDecider, history)).toEqual(state);
        expect(fold(firmDecider, history)).toEqual(fold(firmDecider, history));
      }),
      { numRuns: 300 },
    );
  });
});

// A managed company's own stream, acted on by its managing partner's admins and by others.
const companyId = 'company-1';
const managingPartnerAdmins = ['partner-1', 'partner-2'];
// Few users, so the same ones are added, demoted and removed again and again, and the last admin is hit often.
const companyPeople = [
  { userId: 'user-a', name: 'Ada Admin', email: 'ada@acme.example' },
  { userId: 'user-b', name: 'Ben Books', email: 'ben@acme.example' },
  { userId: 'user-c', name: 'Cy Clerk', email: 'cy@acme.example' },
  // A managing partner admin may also be one of the company's own users.
  { userId: 'partner-1', name: 'Pat Partner', email: 'pat@partner.example' },
];
const companyPerson = fc.constantFrom(...companyPeople);
const companyUserId = companyPerson.map((p) => p.userId);
const staff = (userId: string): Actor => ({ kind: 'staff', userId });
const companyActor: fc.Arbitrary<Actor> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...managingPartnerAdmins).map(staff) },
  { weight: 3, arbitrary: companyUserId.map(staff) },
  { weight: 1, arbitrary: fc.constantFrom(staff('partner-x'), platform) },
);
// The application fills in the managing partner's admins; an empty list stands for a caller without that fact.
const partnerAdminIdsFact = fc.oneof(
  { weight: 9, arbitrary: fc.constant(managingPartnerAdmins) },
  { weight: 1, arbitrary: fc.constant<string[]>([]) },
);
const demotingRole = fc.oneof({ weight: 2, arbitrary: fc.constant('staff' as const) }, { weight: 1, arbitrary: fc.constant('partner_admin' as const) });
const companyCommand: fc.Arbitrary<FirmCommand> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(companyPerson, role, partnerAdminIdsFact).map(([p, r, ids]) => b.addStaffUser(p, r, ids)) },
  { weight: 3, arbitrary: fc.tuple(companyUserId, demotingRole, partnerAdminIdsFact).map(([id, r, ids]) => b.changeStaffRole(id, r, ids)) },
  { weight: 3, arbitrary: fc.tuple(companyUserId, partnerAdminIdsFact).map(([id, ids]) => b.removeStaffUser(id, ids)) },
  { weight: 1, arbitrary: fc.tuple(fc.subarray([...premiumAppCatalogue]), partnerAdminIdsFact).map(([apps, ids]) => b.changePremiumApps(apps, ids)) },
);
const companySetUp = fc.record({
  admins: fc.subarray(companyPeople.slice(0, 3), { minLength: 1, maxLength: 2 }),
  premiumApps: fc.subarray([...premiumAppCatalogue]),
  setUpBy: fc.constantFrom(...managingPartnerAdmins),
});

const factOf = (command: FirmCommand): string[] => ('partnerAdminIds' in command.data ? (command.data.partnerAdminIds ?? []) : []);
/** The user the command removes or demotes, if it does. */
function leavingAdmin(command: FirmCommand): string | null {
  if (command.type === 'RemoveStaffUser') return command.data.userId;
  if (command.type === 'ChangeStaffRole' && command.data.role === 'staff') return command.data.userId;
  return null;
}

describe('managed company properties', () => {
  it('keeps at least one company admin whatever the managing partner and others do', () => {
    let lastAdminAttempts = 0;
    fc.assert(
      fc.property(companySetUp, fc.array(fc.tuple(companyCommand, companyActor), { minLength: 5, maxLength: 40 }), (setUp, steps) => {
        let ids = 0;
        const context = (actor: Actor) => testContext({ tenantId: companyId, actor, newId: () => `gen-${++ids}` });
        const opening = b.setUpManagedCompany({ admins: setUp.admins, premiumApps: setUp.premiumApps, partnerAdminIds: managingPartnerAdmins });
        const history = firmDecider.decide(opening, firmDecider.initialState, context(staff(setUp.setUpBy)));
        let state = fold(firmDecider, history);
        expect(state.managedBy).toBe(b.partnerFirmId);
        expect(partnerAdminsOf(state).map((s) => s.userId)).toEqual(setUp.admins.map((a) => a.userId));
        for (const [cmd, who] of steps) {
          const managingAdmin = who.kind === 'staff' && factOf(cmd).includes(who.userId);
          const companyAdmin = who.kind === 'staff' && partnerAdminsOf(state).some((s) => s.userId === who.userId);
          const admins = partnerAdminsOf(state);
          const leaving = leavingAdmin(cmd);
          const removesLastAdmin = (managingAdmin || companyAdmin) && admins.length === 1 && admins[0]!.userId === leaving;
          let decided: FirmEvent[];
          try {
            decided = firmDecider.decide(cmd, state, context(who));
          } catch (error) {
            expect(error).toBeInstanceOf(PortalError);
            if (removesLastAdmin) {
              lastAdminAttempts++;
              expect((error as PortalError).code).toBe('firm.last_partner_admin');
            }
            continue;
          }
          expect(removesLastAdmin, 'removed or demoted the last company admin').toBe(false);
          if (decided.length > 0) {
            // Only the managing partner's admins change apps; staff also by the company's own admins.
            expect(cmd.type === 'ChangePremiumApps' ? managingAdmin : managingAdmin || companyAdmin).toBe(true);
          }
          for (const event of decided) {
            definitions.get(event.type)!.schema.parse(event.data);
            state = firmDecider.evolve(state, event);
            history.push(event);
          }
          expect(state.managedBy).toBe(b.partnerFirmId);
          expect(partnerAdminsOf(state).length).toBeGreaterThanOrEqual(1);
          expect(new Set(state.staff.map((s) => s.userId)).size).toBe(state.staff.length);
          expect(fold(firmDecider, history)).toEqual(state);
          expect(fold(firmDecider, history)).toEqual(fold(firmDecider, history));
        }
      }),
      { numRuns: 300 },
    );
    // The property means little unless the last admin was really put at risk.
    expect(lastAdminAttempts).toBeGreaterThan(100);
  });
});
