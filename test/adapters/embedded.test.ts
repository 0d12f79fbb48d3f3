import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingDatabaseError, openEmbeddedPortal } from '../../adapters/embedded.js';
import { memoryMailer } from '../../adapters/mail/memory-mailer.js';
import { linkIn } from '../support/mail.js';
import { startEsdbStandIn } from '../support/esdb-stand-in.js';
import { platformCaller } from '../support/portal.js';

const root = mkdtempSync(join(tmpdir(), 'embedded-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const harbour = { name: 'Harbour', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } };

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('the embedded portal', { timeout: 30_000 }, () => {
  it('creates its data folder and portal.db there, and finds what it wrote when opened again', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const first = openEmbeddedPortal({ dataDir });
    expect(first.dataDir).toBe(dataDir);
    const { firmId, partnerAdminId } = await first.portal.firms.createFirm(platformCaller, harbour);
    await first.close();
    expect(readdirSync(dataDir)).toContain('portal.db');

    const again = openEmbeddedPortal({ dataDir });
    try {
      const pat = { tenantId: firmId, actor: { kind: 'staff' as const, userId: partnerAdminId } };
      expect((await again.portal.firms.getFirm(pat, { firmId })).name).toBe('Harbour');
      expect(tables(join(dataDir, 'portal.db'))).toEqual(expect.arrayContaining(['events', 'subject_keys', 'projection_checkpoints']));
    } finally {
      await again.close();
    }
  });

  it('keeps its SQLite file at dbPath, with the data folder beside it by default', async () => {
    const dbPath = join(root, 'beside', 'my.db');
    const opened = openEmbeddedPortal({ dbPath });
    await opened.close();
    expect(opened.dataDir).toBe(join(root, 'beside'));
    expect(existsSync(dbPath)).toBe(true);
  });

  it('mails invitations through the mailer it is given, and derives the same link after a restart', async () => {
    const mailer = memoryMailer();
    const dataDir = join(root, 'mail');
    const mail = { mailer, publicUrl: 'https://portal.example', messageDomain: 'portal.example' };
    let opened = openEmbeddedPortal({ dataDir });
    try {
      const { firmId, partnerAdminId } = await opened.portal.firms.createFirm(platformCaller, harbour);
      const pat = { tenantId: firmId, actor: { kind: 'staff' as const, userId: partnerAdminId } };
      const { clientId, ownerIds } = await opened.portal.clients.createClient(pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] });
      await opened.portal.invitations.inviteMember(pat, { clientId, contactId: ownerIds[0]! });
      await opened.close();
      // Nothing was mailed yet; a later open with a mailer catches up, deriving the link from the key in the data folder.
      opened = openEmbeddedPortal({ dataDir, mail });
      await opened.mail!.settled();
      expect(mailer.sent.map((m) => m.to.address)).toEqual(['ann@smith.example']);
      const { token } = linkIn(mailer.sent[0]!.text);
      await expect(opened.portal.invitations.acceptInvitation({ contactId: ownerIds[0]!, token, password: 'a long passphrase' })).resolves.toMatchObject({ access: 'active' });
      // Rebuilding the read models sends nothing again, nor does a mail process that lost its checkpoint.
      const checkpoint = () => (opened.db.prepare("SELECT position FROM process_checkpoints WHERE name = 'mail'").get() as { position: number }).position;
      const before = checkpoint();
      await opened.readModels.rebuild();
      expect(checkpoint()).toBe(before); // the mail process's checkpoint is its own
      await opened.mail!.settled();
      await opened.close();
      opened = openEmbeddedPortal({ dataDir });
      expect(opened.db.prepare('DELETE FROM process_checkpoints').run().changes).toBe(1);
      await opened.close();
      opened = openEmbeddedPortal({ dataDir, mail });
      await opened.mail!.settled();
      expect(mailer.sent).toHaveLength(1);
    } finally {
      await opened.close();
    }
  });

  it('refuses a missing file with mustExist, creating nothing', () => {
    const dataDir = join(root, 'absent');
    expect(() => openEmbeddedPortal({ dataDir, mustExist: true })).toThrow(MissingDatabaseError);
    expect(() => openEmbeddedPortal({ dataDir, mustExist: true })).toThrow(`No database at ${join(dataDir, 'portal.db')}.`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('with an EventStoreDB URL, keeps the events there and only keys and read models in the file', async () => {
    const standIn = await startEsdbStandIn();
    const dbPath = join(root, 'esdb', 'local.db');
    try {
      const opened = openEmbeddedPortal({ dbPath, eventStoreUrl: standIn.connectionString });
      await opened.portal.firms.createFirm(platformCaller, harbour);
      await opened.readModels.waitFor((await opened.store.lastPosition())!);
      await opened.close();
      const local = tables(dbPath);
      expect(local).toEqual(expect.arrayContaining(['subject_keys', 'projection_checkpoints']));
      expect(local).not.toContain('events');
    } finally {
      await standIn.close();
    }
  });
});
