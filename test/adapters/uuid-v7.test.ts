import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../../adapters/system/uuid-v7.js';

describe('UUID v7', () => {
  it('has the RFC 9562 layout: version 7, variant 10', () => {
    for (let i = 0; i < 100; i++) expect(uuidV7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('starts with the time in milliseconds, so later ids sort after earlier ones', () => {
    const at = Date.UTC(2026, 0, 15, 9);
    expect(uuidV7(at).replace(/-/g, '').slice(0, 12)).toBe(at.toString(16).padStart(12, '0'));
    expect(uuidV7(at + 1) > uuidV7(at)).toBe(true);
  });

  it('differs every time within the same millisecond', () => {
    const at = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => uuidV7(at))).size).toBe(1000);
  });
});
