import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { clientCreated, preliminaryDataRecorded } from '../../src/client/events.js';
import { ERASED, type PersonalDataDeclaration } from '../../src/core/events.js';
import { PersonalDataCodec, redactSubject, subjectsOf } from '../../src/core/personal-data.js';
import { firmCreated } from '../../src/firm/events.js';

// A read model keeps events decrypted; on a forgetting it redacts its copy. The copy must then equal
// what reading the stored event gives once the subject's key is gone.

const subjectIds = fc.constantFrom('c-1', 'c-2', 'c:3', 'client-9');
const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(ERASED));
const contact = fc.record({ contactId: subjectIds, name: text, emails: fc.array(text, { maxLength: 3 }) });

const shapes: Array<{ what: string; declarations: readonly PersonalDataDeclaration[]; data: fc.Arbitrary<unknown> }> = [
  {
    what: 'ClientCreated (a nullable field and a list of contacts)',
    declarations: clientCreated.personal!,
    data: fc.record({
      clientId: subjectIds,
      kind: fc.constant('group'),
      name: fc.option(text, { nil: null }),
      owners: fc.array(contact, { minLength: 1, maxLength: 3 }),
      extra: fc.jsonValue(),
    }),
  },
  {
    what: 'PreliminaryDataRecorded (a record of values)',
    declarations: preliminaryDataRecorded.personal!,
    data: fc.record({ clientId: subjectIds, fields: fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 4 }) }),
  },
  {
    what: 'FirmCreated (nested objects in a list)',
    declarations: firmCreated.personal!,
    data: fc.record({
      firmId: fc.constant('f'),
      staff: fc.array(fc.record({ userId: subjectIds, name: text, email: text, role: fc.constant('staff') }), { minLength: 1, maxLength: 3 }),
    }),
  },
];

async function storedAndRead(declarations: readonly PersonalDataDeclaration[], data: unknown, forget: readonly string[]) {
  const keys = memoryKeyStore(aesGcmCipher);
  const codec = new PersonalDataCodec(keys, aesGcmCipher);
  const stored = await codec.protect(data, declarations);
  for (const subject of forget) await keys.delete(subject);
  return codec.reveal(stored);
}

describe('redacting a decrypted copy', () => {
  for (const { what, declarations, data } of shapes) {
    it(`redacting every subject equals reading with every key deleted: ${what}`, async () => {
      await fc.assert(
        fc.asyncProperty(data, async (value) => {
          const subjects = subjectsOf(value, declarations);
          const redacted = subjects.reduce((d, s) => redactSubject(d, declarations, s), value);
          expect(redacted).toEqual(await storedAndRead(declarations, value, subjects));
        }),
        { numRuns: 60 },
      );
    });

    it(`redacting one subject equals reading with only its key deleted: ${what}`, async () => {
      await fc.assert(
        fc.asyncProperty(data, subjectIds, async (value, subject) => {
          expect(redactSubject(value, declarations, subject)).toEqual(await storedAndRead(declarations, value, [subject]));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('names the subjects whose fields are present, erased or not, and not those with only nulls', () => {
    const data = { clientId: 'k', name: null, owners: [{ contactId: 'a', name: ERASED, emails: [] }, { contactId: 'b', name: 'Bo', emails: ['b@x.example'] }] };
    expect(subjectsOf(data, clientCreated.personal)).toEqual(['a', 'b']);
    expect(subjectsOf({ ...data, name: 'Group' }, clientCreated.personal)).toEqual(['k', 'a', 'b']);
  });

  it('leaves the original untouched', () => {
    const data = { clientId: 'k', name: 'Group', owners: [{ contactId: 'a', name: 'Al', emails: ['a@x.example'] }] };
    const redacted = redactSubject(data, clientCreated.personal, 'a');
    expect(redacted.owners[0]).toEqual({ contactId: 'a', name: ERASED, emails: [ERASED] });
    expect(data.owners[0]!.name).toBe('Al');
  });
});
