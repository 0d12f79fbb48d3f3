import { describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import type { EventDefinition } from '../../src/core/events.js';
import { PersonalDataCodec } from '../../src/core/personal-data.js';
import { clientEvents, type ClientEvent } from '../../src/client/events.js';
import * as b from './builders.js';

/** Stores the event's data encrypted, forgets every subject it named, and reads it back. */
async function storeAndForget(definition: EventDefinition, data: unknown) {
  const keys = memoryKeyStore(aesGcmCipher);
  const subjects = new Set<string>();
  const codec = new PersonalDataCodec({ ...keys, getOrCreate: (id) => (subjects.add(id), keys.getOrCreate(id)) }, aesGcmCipher);
  const stored = await codec.protect(data, definition.personal);
  for (const subject of subjects) await keys.delete(subject);
  return { stored: JSON.stringify(stored), erased: await codec.reveal(structuredClone(stored)), subjects: [...subjects].sort() };
}

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
