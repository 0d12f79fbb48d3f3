import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activity, history } from '../../../src/application/audit-history.js';
import { addContactEmail, addGuest, changeSubscription, createClient, renameClient, renameContact } from '../../../src/application/clients.js';
import type { Caller } from '../../../src/application/context.js';
import { forgetContact } from '../../../src/application/personal-data.js';
import { PortalError } from '../../../src/core/errors.js';
import { testPortal, type TestPortal } from '../../support/portal.js';
import { firmWithPat } from './activity-support.js';

type Step =
  | { kind: 'renameContact'; who: number; name: string }
  | { kind: 'renameClient'; name: string }
  | { kind: 'addGuest'; name: string }
  | { kind: 'addEmail'; who: number }
  | { kind: 'subscription'; plan: 'pro' | 'starter' }
  | { kind: 'forget'; who: number }
  | { kind: 'look' };

const name = fc.constantFrom('Ann', 'Bea', 'Cyd', 'Dot');
const who = fc.nat({ max: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('renameContact' as const), who, name }),
  fc.record({ kind: fc.constant('renameClient' as const), name }),
  fc.record({ kind: fc.constant('addGuest' as const), name }),
  fc.record({ kind: fc.constant('addEmail' as const), who }),
  fc.record({ kind: fc.constant('subscription' as const), plan: fc.constantFrom('pro' as const, 'starter' as const) }),
  fc.record({ kind: fc.constant('forget' as const), who }),
  fc.constant({ kind: 'look' as const }),
);

async function answers(test: TestPortal, pat: Caller, clientIds: readonly string[]) {
  const histories = [];
  for (const clientId of clientIds) histories.push((await history(test.ctx, pat, { clientId, limit: 200 })).items);
  const feed = (await activity(test.ctx, pat, { limit: 200 })).items;
  const rows = test.readModels.db.prepare('SELECT * FROM rm_activity ORDER BY position').all();
  return { histories, feed, rows };
}

describe('the activity read model, live and rebuilt', () => {
  it('gives the same answers live as after a rebuild from 0, whatever was done and forgotten in between', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.boolean(), async (steps, group) => {
        const test = testPortal();
        const { pat } = await firmWithPat(test);
        const owners = group ? [{ name: 'Olivia', emails: ['o@x.example'] }, { name: 'Oscar', emails: ['s@x.example'] }] : [{ name: 'Ann', emails: ['a@x.example'] }];
        const { clientId, ownerIds } = await createClient(test.ctx, pat, { kind: group ? 'group' : 'individual', ...(group ? { name: 'Family' } : {}), owners });
        const contacts = [...ownerIds];
        let emails = 0;
        for (const s of steps) {
          const contactId = contacts[('who' in s ? s.who : 0) % contacts.length]!;
          try {
            if (s.kind === 'renameContact') await renameContact(test.ctx, pat, { clientId, contactId, name: s.name });
            if (s.kind === 'renameClient') await renameClient(test.ctx, pat, { clientId, name: s.name });
            if (s.kind === 'addGuest') contacts.push((await addGuest(test.ctx, pat, { clientId, contact: { name: s.name, emails: [`g${contacts.length}@x.example`] } })).contactId);
            if (s.kind === 'addEmail') await addContactEmail(test.ctx, pat, { clientId, contactId, email: `e${++emails}@x.example` });
            if (s.kind === 'subscription') await changeSubscription(test.ctx, pat, { clientId, plan: s.plan });
            if (s.kind === 'forget') await forgetContact(test.ctx, pat, { clientId, contactId });
            if (s.kind === 'look') await history(test.ctx, pat, { clientId });
          } catch (error) {
            // A refused step (a forgotten contact renamed, a forgotten individual's client renamed) changes nothing.
            if (!(error instanceof PortalError)) throw error;
          }
        }
        const live = await answers(test, pat, [clientId]);
        await test.readModels.rebuild();
        expect(await answers(test, pat, [clientId])).toEqual(live);
      }),
      { numRuns: 25 },
    );
  });
});
