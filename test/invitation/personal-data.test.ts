import { describe, expect, it } from 'vitest';
import { invitationEvents } from '../../src/invitation/events.js';
import { personalFields } from '../support/personal-data.js';

describe('invitation personal data', () => {
  it.each(invitationEvents.map((d) => [d.type, d] as const))('%s declares exactly its personal fields', (_, definition) => {
    const { inSchema, declared } = personalFields(definition);
    expect(declared).toEqual(inSchema);
  });
});
