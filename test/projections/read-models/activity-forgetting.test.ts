import { describe, expect, it } from 'vitest';
import { activity, history } from '../../../src/application/audit-history.js';
import { addGuest, createClient } from '../../../src/application/clients.js';
import { forgetContact } from '../../../src/application/personal-data.js';
import { inviteMember } from '../../../src/application/invitations.js';
import { ERASED } from '../../../src/core/events.js';
import { testPortal, type TestPortal } from '../../support/portal.js';
import { clientLife, firmWithPat } from './activity-support.js';
import type { Caller } from '../../../src/application/context.js';

/** Everything the activity read model shows or keeps for a firm and one client. */
async function answers(test: TestPortal, pat: Caller, clientId: string) {
  const shown = {
    history: (await history(test.ctx, pat, { clientId, limit: 200 })).items,
    feed: (await activity(test.ctx, pat, { limit: 200 })).items,
  };
  const db = test.readModels.db;
  const kept = {
    rows: db.prepare('SELECT * FROM rm_activity ORDER BY position').all(),
    subjects: db.prepare('SELECT * FROM rm_activity_subjects ORDER BY subject_id, position').all(),
  };
  return { shown, kept };
}

describe('forgetting reaches the history and the feed', () => {
  it("redacts an individual client's contact everywhere, exactly as a rebuild from 0 reads it", async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    const { clientId, annId } = await clientLife(test, pat);

    // The read model has applied the plain values before the forgetting.
    expect(JSON.stringify(await answers(test, pat, clientId))).toContain('ann@x.example');
    await forgetContact(test.ctx, pat, { clientId, contactId: annId });
    const live = await answers(test, pat, clientId);
    const texts = live.shown.history.map((e) => `${e.actor.name}: ${e.text}`);
    expect(texts).toContain(`${ERASED}: ${ERASED} downloaded “${ERASED}”`);
    expect(texts).toContain(`Pat Partner: Invitation sent to ${ERASED} (valid until 2026-02-15)`);
    expect(texts).toContain(`Pat Partner: Shared folders changed: ${ERASED}, ${ERASED}`);
    expect(texts.slice(0, 2).sort()).toEqual(['Pat Partner: Personal data of a client contact erased', 'Pat Partner: Personal data of the client erased']);
    expect(live.shown.feed.map((e) => e.text)).toContain(`Document “${ERASED}” uploaded by the client`);
    const everything = JSON.stringify(live);
    for (const value of ['Ann Smith', 'ann@x.example', 'Q3.pdf', 'Tax 2025', 'Payroll', '203.0.113.7', 'Firefox']) {
      expect(everything, value).not.toContain(value);
    }

    await test.readModels.rebuild();
    expect(await answers(test, pat, clientId)).toEqual(live);
  });

  it("leaves a group's data and its other members readable when one member is forgotten", async () => {
    const test = testPortal();
    const { pat } = await firmWithPat(test);
    const { clientId, ownerIds } = await createClient(test.ctx, pat, {
      kind: 'group',
      name: 'Owner Family',
      owners: [{ name: 'Olivia Owner', emails: ['olivia@x.example'] }, { name: 'Oscar Owner', emails: ['oscar@x.example'] }],
    });
    const [oliviaId, oscarId] = ownerIds as [string, string];
    await inviteMember(test.ctx, pat, { clientId, contactId: oliviaId });
    await inviteMember(test.ctx, pat, { clientId, contactId: oscarId });
    await addGuest(test.ctx, pat, { clientId, contact: { name: 'Gus Guest', emails: ['gus@x.example'] } });

    expect(JSON.stringify(await answers(test, pat, clientId))).toContain('olivia@x.example');
    await forgetContact(test.ctx, pat, { clientId, contactId: oliviaId });
    const live = await answers(test, pat, clientId);
    const texts = live.shown.history.map((e) => e.text);
    expect(texts).toContain(`Client “Owner Family” created (group, Starter plan) with owners ${ERASED}, Oscar Owner`);
    expect(texts).toContain('Invitation sent to oscar@x.example (valid until 2026-02-14)');
    expect(texts).toContain(`Invitation sent to ${ERASED} (valid until 2026-02-14)`);
    expect(texts).toContain(`Invitation of ${ERASED} cancelled (personal data erased)`);
    expect(texts).toContain('Guest Gus Guest added with gus@x.example');
    expect(texts[0]).toBe('Personal data of a client contact erased');
    expect(JSON.stringify(live)).not.toMatch(/Olivia|olivia@/);

    await test.readModels.rebuild();
    expect(await answers(test, pat, clientId)).toEqual(live);
  });
});
