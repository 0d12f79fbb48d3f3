import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameBasedUuid, sha256Hex } from '../../src/core/sha256.js';

describe('sha256', () => {
  it('matches node:crypto for any string, across block boundaries', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é☃𝄞'.repeat(40)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => sha256Hex(text) === createHash('sha256').update(text, 'utf8').digest('hex')));
  });

  it('names a version-8 UUID by its parts, the same parts always giving the same id', () => {
    const id = nameBasedUuid('firm-1', 'createClient', 'key-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('firm-1', 'createClient', 'key-1')).toBe(id);
    expect(nameBasedUuid('firm-1:createClient', 'key-1')).not.toBe(id);
    expect(nameBasedUuid('firm-2', 'createClient', 'key-1')).not.toBe(id);
  });
});
