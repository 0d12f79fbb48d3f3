import { describe, expect, it } from 'vitest';
import { portalAccessEvents } from '../../src/portal-access/events.js';
import { personalFields } from '../support/personal-data.js';

describe('portal access personal data', () => {
  it.each(portalAccessEvents.map((d) => [d.type, d] as const))('%s declares exactly its personal fields', (_, definition) => {
    const { inSchema, declared } = personalFields(definition);
    expect(declared).toEqual(inSchema);
  });
});
