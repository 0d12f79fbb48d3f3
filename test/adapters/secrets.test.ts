import { describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../adapters/system/secrets.js';

describe('node secrets', () => {
  it('makes unguessable URL-safe tokens, different every time', () => {
    const a = nodeSecrets.newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nodeSecrets.newToken()).not.toBe(a);
  });

  it('hashes tokens deterministically without revealing them', () => {
    const token = nodeSecrets.newToken();
    expect(nodeSecrets.hashToken(token)).toBe(nodeSecrets.hashToken(token));
    expect(nodeSecrets.hashToken(token)).not.toContain(token);
    expect(nodeSecrets.hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes passwords with a salt and verifies only the right one', async () => {
    const hash = await nodeSecrets.hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('correct horse');
    expect(await nodeSecrets.hashPassword('correct horse')).not.toBe(hash);
    expect(await nodeSecrets.verifyPassword('correct horse', hash)).toBe(true);
    expect(await nodeSecrets.verifyPassword('wrong horse', hash)).toBe(false);
    expect(await nodeSecrets.verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});
