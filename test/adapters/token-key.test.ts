import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeSecrets } from '../../adapters/system/secrets.js';
import { parseTokenKey, tokenKeyFile } from '../../adapters/system/token-key.js';

const dir = mkdtempSync(join(tmpdir(), 'token-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the token key', () => {
  it('is made once in a file only its owner reads, and the same key is read back', () => {
    const path = join(dir, 'token.key');
    const made = tokenKeyFile(path)!;
    expect(made.byteLength).toBe(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(tokenKeyFile(path)!.equals(made)).toBe(true);
    expect(readFileSync(path, 'utf8').trim()).toBe(made.toString('base64'));
  });

  it('is not made by a read-only open, and a file too short is refused', () => {
    expect(tokenKeyFile(join(dir, 'missing.key'), false)).toBeNull();
    const short = join(dir, 'short.key');
    writeFileSync(short, Buffer.alloc(8).toString('base64'));
    expect(() => tokenKeyFile(short)).toThrow(/at least 32 bytes/);
    expect(() => parseTokenKey('c2hvcnQ=')).toThrow(/at least 32 bytes/);
  });

  it('derives the same token for the same purpose and id, another for anything else, and none without the key', () => {
    const a = createNodeSecrets({ tokenKey: Buffer.alloc(32, 1) });
    const b = createNodeSecrets({ tokenKey: Buffer.alloc(32, 2) });
    expect(a.deriveToken('invitation', 'send-1')).toBe(createNodeSecrets({ tokenKey: Buffer.alloc(32, 1) }).deriveToken('invitation', 'send-1'));
    expect(a.deriveToken('invitation', 'send-1')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.deriveToken('invitation', 'send-2')).not.toBe(a.deriveToken('invitation', 'send-1'));
    expect(a.deriveToken('password-reset', 'send-1')).not.toBe(a.deriveToken('invitation', 'send-1'));
    expect(b.deriveToken('invitation', 'send-1')).not.toBe(a.deriveToken('invitation', 'send-1'));
    expect(() => createNodeSecrets({ tokenKey: Buffer.alloc(16) })).toThrow(/at least 32 bytes/);
  });
});
