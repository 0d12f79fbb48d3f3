import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds the library as `npm run build` does (into a scratch folder instead of dist/), then checks
// that every entry of package.json's exports map exists with its declarations and loads.
const root = join(import.meta.dirname, '..');
const out = join(root, 'node_modules', '.cache', 'build-check');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; import: string }>;
};
const built = (target: string) => join(out, target.replace(/^\.\/dist\//, ''));

const expectedExports: Record<string, string[]> = {
  '.': ['createPortal', 'EventLog', 'handleCommand', 'reserve', 'defineEvent', 'streams', 'firm', 'client', 'invitation', 'portalAccess', 'folderLink'],
  './adapters/memory': ['memoryEventStore'],
  './adapters/sqlite': ['sqliteEventStore'],
  './adapters/sqlite-key-store': ['sqliteKeyStore'],
  './adapters/eventstoredb': ['eventStoreDbEventStore'],
  './adapters/http': ['createHttpApp', 'parseConfig', 'ConfigError', 'memoryCredentials', 'sqliteCredentials', 'loginLimiter', 'createLogger', 'routes', 'startService'],
  './adapters/embedded': ['openEmbeddedPortal', 'MissingDatabaseError'],
  './adapters/node': ['aesGcmCipher', 'nodeSecrets', 'systemClock', 'uuidIds', 'memoryKeyStore', 'memoryMailer', 'smtpMailer', 'emlFolderMailer', 'startMailDelivery', 'memoryCheckpoints', 'sqliteCheckpoints', 'createNodeSecrets', 'tokenKeyFile', 'fsBlobStore', 'memoryBlobStore'],
  './projections': ['ProjectionRunner', 'sqliteTarget', 'memoryTarget'],
};

describe('the built package', () => {
  beforeAll(() => {
    rmSync(out, { recursive: true, force: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('maps every entry point, and only those we mean to publish', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(Object.keys(expectedExports).sort());
  });

  for (const [entry, names] of Object.entries(expectedExports)) {
    it(`exports ${entry} with declarations`, async () => {
      const target = pkg.exports[entry]!;
      expect(existsSync(built(target.types)), target.types).toBe(true);
      const module = await import(pathToFileURL(built(target.import)).href);
      for (const name of names) expect(module, `${entry} exports ${name}`).toHaveProperty(name);
    });
  }
});
