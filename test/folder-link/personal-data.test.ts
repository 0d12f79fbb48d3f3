import { describe, expect, it } from 'vitest';
import { documentEvents } from '../../src/document/events.js';
import { folderLinkEvents } from '../../src/folder-link/events.js';
import { personalFields } from '../support/personal-data.js';

describe('folder link and document personal data', () => {
  it.each([...folderLinkEvents, ...documentEvents].map((d) => [d.type, d] as const))('%s declares exactly its personal fields', (_, definition) => {
    const { inSchema, declared } = personalFields(definition);
    expect(declared).toEqual(inSchema);
  });
});
