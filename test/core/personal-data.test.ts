import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { ERASED, type PersonalDataDeclaration } from '../../src/core/events.js';
import { PersonalDataCodec } from '../../src/core/personal-data.js';

const declarations: PersonalDataDeclaration[] = [{ subject: 'id', fields: ['name'] }];

function codec() {
  const keys = memoryKeyStore(aesGcmCipher);
  return { keys, codec: new PersonalDataCodec(keys, aesGcmCipher) };
}

describe('personal data codec', () => {
  it('reads back a subject whose id contains a colon', async () => {
    const { codec: c } = codec();
    const stored = await c.protect({ id: 'tenant:42', name: 'Tess' }, declarations);
    expect(await c.reveal(stored)).toEqual({ id: 'tenant:42', name: 'Tess' });
  });

  it('does not confuse a subject with another whose id is its prefix before a colon', async () => {
    const { codec: c, keys } = codec();
    const tess = await c.protect({ id: 'tenant:42', name: 'Tess' }, declarations);
    const tom = await c.protect({ id: 'tenant', name: 'Tom' }, declarations);
    expect(await c.reveal(structuredClone(tess))).toEqual({ id: 'tenant:42', name: 'Tess' });
    await keys.delete('tenant');
    expect(await c.reveal(tess)).toEqual({ id: 'tenant:42', name: 'Tess' });
    expect(await c.reveal(tom)).toEqual({ id: 'tenant', name: ERASED });
  });

  it('still reads values stored in the first format, subject then colon then ciphertext', async () => {
    const { codec: c, keys } = codec();
    const key = await keys.getOrCreate('ada');
    const stored = { id: 'ada', name: `\u0001pii1:ada:${aesGcmCipher.encrypt(key, JSON.stringify('Ada'))}` };
    expect(await c.reveal(structuredClone(stored))).toEqual({ id: 'ada', name: 'Ada' });
    await keys.delete('ada');
    expect(await c.reveal(stored)).toEqual({ id: 'ada', name: ERASED });
    // Written by the first version for a subject with a colon: it splits at the last colon.
    const tessKey = await keys.getOrCreate('tenant:42');
    const tess = { id: 'tenant:42', name: `\u0001pii1:tenant:42:${aesGcmCipher.encrypt(tessKey, JSON.stringify('Tess'))}` };
    expect(await c.reveal(tess)).toEqual({ id: 'tenant:42', name: 'Tess' });
  });

  it('refuses plain data that looks like a stored value of either format', async () => {
    const { codec: c } = codec();
    for (const marker of ['\u0001pii1:x:y', '\u0001pii2:1:xy']) {
      await expect(c.protect({ id: 'a', note: marker }, declarations)).rejects.toMatchObject({ code: 'validation.failed' });
    }
  });

  it('keeps any two subjects apart, whatever their ids hold', async () => {
    const id = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
    const subjects = fc.oneof(
      fc.uniqueArray(id, { minLength: 2, maxLength: 4 }),
      // A subject and another made of it, a colon and more: the case a naive split gets wrong.
      fc.tuple(id, fc.string({ unit: 'binary', maxLength: 8 })).map(([a, b]) => [a, `${a}:${b}`]),
    );
    await fc.assert(
      fc.asyncProperty(subjects, fc.nat(), async (ids, pick) => {
        const { codec: c, keys } = codec();
        const stored = [];
        for (const [i, subject] of ids.entries()) stored.push(await c.protect({ id: subject, name: `name ${i}` }, declarations));
        const forgotten = ids[pick % ids.length]!;
        await keys.delete(forgotten);
        for (const [i, subject] of ids.entries()) {
          const expected = subject === forgotten ? ERASED : `name ${i}`;
          expect(await c.reveal(stored[i])).toEqual({ id: subject, name: expected });
        }
      }),
    );
  });
});
