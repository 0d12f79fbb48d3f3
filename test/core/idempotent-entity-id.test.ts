import { describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../adapters/system/secrets.js';
import { idempotentEntityId } from '../../src/core/idempotency.js';

describe('idempotent entity ids', () => {
  const id = (...parts: [string, string, string]) => idempotentEntityId(nodeSecrets.digest, ...parts);

  it('names a version-8 UUID by its parts, the same parts always giving the same id', () => {
    const first = id('firm-1', 'createClient', 'key-1');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id('firm-1', 'createClient', 'key-1')).toBe(first);
    expect(id('firm-1:createClient', 'key-1', '')).not.toBe(first);
    expect(id('firm-2', 'createClient', 'key-1')).not.toBe(first);
    expect(id('firm-1', 'addOwner', 'key-1')).not.toBe(first);
  });
});
