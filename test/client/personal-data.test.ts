import { describe, expect, it } from 'vitest';
import { clientEvents, type ClientEvent } from '../../src/client/events.js';
import { storeAndForget } from '../support/personal-data.js';
import * as b from './builders.js';

const samples: Array<[ClientEvent, string[]]> = [
  [b.groupCreated([b.jane, b.john]), [b.clientId, b.jane.contactId, b.john.contactId]],
  [b.clientRenamed('The Smiths'), [b.clientId]],
  [b.dataRecorded({ taxFileNumber: '123 456 789', spouse: 'Mary Smith' }), [b.clientId]],
  [b.ownerAdded(b.john), [b.john.contactId]],
  [b.guestAdded(b.gina), [b.gina.contactId]],
  [b.invitationRequested(b.gina), [b.gina.contactId]],
  [b.contactRenamed(b.jane.contactId, 'Jane Doe'), [b.jane.contactId]],
  [b.emailAdded(b.jane.contactId, 'jane@home.example'), [b.jane.contactId]],
  [b.emailRemoved(b.john.contactId, 'john@work.example'), [b.john.contactId]],
];
const personalText = /Smith|Jane|John|Gina|@|123 456 789/;

describe('personal data in client events', () => {
  it('has a sample for every event that declares personal data', () => {
    const declared = clientEvents.filter((d) => d.personal?.length).map((d) => d.type);
    expect(samples.map(([event]) => event.type).sort()).toEqual([...declared].sort());
  });

  it.each(samples)('stores no personal data in clear and erases it per subject: %o', async (event, expectedSubjects) => {
    const definition = clientEvents.find((d) => d.type === event.type)!;
    const { stored, erased, subjects } = await storeAndForget(definition, event.data);
    expect(stored).not.toMatch(personalText);
    expect(subjects).toEqual([...expectedSubjects].sort());
    expect(JSON.stringify(erased)).not.toMatch(personalText);
    expect(definition.schema.safeParse(erased).success).toBe(true);
  });

  it('keeps preliminary field names, which are not personal', async () => {
    const definition = clientEvents.find((d) => d.type === 'PreliminaryDataRecorded')!;
    const { erased } = await storeAndForget(definition, b.dataRecorded({ taxFileNumber: '1' }).data);
    expect(erased).toEqual({ clientId: b.clientId, fields: { taxFileNumber: '[erased]' } });
  });
});
