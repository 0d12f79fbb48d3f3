import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../adapters/system/write-atomically.js';

const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* chunks(fail: boolean): AsyncIterable<string> {
  yield 'a,b\r\n';
  if (fail) throw new Error('the export failed');
  yield '1,2\r\n';
}

describe('writing a file atomically', () => {
  it('renames the file into place once complete', async () => {
    const folder = mkdtempSync(join(dir, 'atomic-'));
    await writeAtomically(join(folder, 'x.csv'), chunks(false));
    expect(readdirSync(folder)).toEqual(['x.csv']);
    expect(readFileSync(join(folder, 'x.csv'), 'utf8')).toBe('a,b\r\n1,2\r\n');
  });

  it('leaves nothing behind when the writing fails, nor touches an existing file', async () => {
    const folder = mkdtempSync(join(dir, 'atomic-'));
    await writeAtomically(join(folder, 'x.csv'), chunks(false));
    await expect(writeAtomically(join(folder, 'x.csv'), chunks(true))).rejects.toThrow('the export failed');
    expect(readdirSync(folder)).toEqual(['x.csv']);
    expect(readFileSync(join(folder, 'x.csv'), 'utf8')).toBe('a,b\r\n1,2\r\n');
  });

  it('writes a text held in memory', async () => {
    const folder = mkdtempSync(join(dir, 'atomic-'));
    await writeAtomically(join(folder, 'x.txt'), ['whole text']);
    expect(readFileSync(join(folder, 'x.txt'), 'utf8')).toBe('whole text');
  });
});
