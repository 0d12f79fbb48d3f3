import { describe, expect, it } from 'vitest';
import { firmEvents, type FirmEvent } from '../../src/firm/events.js';
import { storeAndForget } from '../support/personal-data.js';
import * as b from './builders.js';

const samples: Array<[FirmEvent, string[]]> = [
  [b.firmCreated([{ ...b.alice, role: 'partner_admin' }, { ...b.bob, role: 'staff' }]), [b.alice.userId, b.bob.userId]],
  [b.staffAdded(b.bob), [b.bob.userId]],
  [b.companyCreated('company-1', 'Acme Ltd', [b.alice, b.carol]), [b.alice.userId, b.carol.userId]],
  [b.oneDriveConnected('od-1', b.bob.userId), [b.bob.userId]],
];
const personalText = /Alice|Bob|Carol|@smith\.example|Smith & Co OneDrive/;

describe('personal data in firm events', () => {
  it('has a sample for every event that declares personal data', () => {
    const declared = firmEvents.filter((d) => d.personal?.length).map((d) => d.type);
    expect(samples.map(([event]) => event.type).sort()).toEqual([...declared].sort());
  });

  it.each(samples)('stores no personal data in clear and erases it per subject: %o', async (event, expectedSubjects) => {
    const definition = firmEvents.find((d) => d.type === event.type)!;
    const { stored, erased, subjects } = await storeAndForget(definition, event.data);
    expect(stored).not.toMatch(personalText);
    expect(subjects).toEqual([...expectedSubjects].sort());
    expect(JSON.stringify(erased)).not.toMatch(personalText);
    expect(definition.schema.safeParse(erased).success).toBe(true);
  });

  it('leaves company names in clear: they are not personal', async () => {
    const definition = firmEvents.find((d) => d.type === 'ManagedCompanyCreated')!;
    const { stored } = await storeAndForget(definition, b.companyCreated('company-1', 'Acme Ltd').data);
    expect(stored).toContain('Acme Ltd');
  });
});
