import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { companyNameKey } from '../../src/firm/names.js';

describe('company name key', () => {
  it('ignores case and surrounding or repeated whitespace', () => {
    expect(companyNameKey('  Acme \t  LTD ')).toBe('acme ltd');
  });

  it('keeps distinct names distinct', () => {
    expect(companyNameKey('Acme Ltd')).not.toBe(companyNameKey('AcmeLtd'));
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (name) => companyNameKey(companyNameKey(name)) === companyNameKey(name)));
  });
});
