// The README's example, run as a test so it stays true.
import { expect, it } from 'vitest';
import { memoryEventStore } from '../adapters/event-store/memory.js';
import { aesGcmCipher, memoryCheckpoints, memoryKeyStore, memoryMailer, nodeSecrets, startMailDelivery, systemClock, uuidIds } from '../adapters/node.js';
import { sqliteReadModels } from '../projections/index.js';
import { createPortal } from '../src/index.js';

it('README: create a firm, add a client, invite a member, accept', async () => {
  // --- README example start
  const portal = createPortal({
    store: memoryEventStore(), // or sqliteEventStore({ path: 'portal.db' }), or eventStoreDbEventStore(...)
    keys: memoryKeyStore(aesGcmCipher), // or sqliteKeyStore(store.db, aesGcmCipher)
    cipher: aesGcmCipher,
    clock: systemClock,
    ids: uuidIds,
    secrets: nodeSecrets,
    readModels: sqliteReadModels({ db: ':memory:' }), // or { db: store.db }: the embedded store's own file
  });
  // The mail process follows the log and sends each email once: invitations, reminders, access notices, upload alerts.
  const mailer = memoryMailer(); // or smtpMailer({ url: 'smtps://user:pass@mail.example.com', from: 'Portal <no-reply@portal.example>' })
  const mail = startMailDelivery({ portal, mailer, checkpoints: memoryCheckpoints(), publicUrl: 'https://portal.example', messageDomain: 'portal.example' });

  // Firms are opened by the platform operator (the HTTP adapter's bootstrap token maps to this actor).
  const operator = { tenantId: 'platform', actor: { kind: 'platform', operatorId: 'ops-1' } } as const;
  const { firmId, partnerAdminId } = await portal.firms.createFirm(operator, {
    name: 'Harbour Accountants',
    partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' },
  });
  const pat = { tenantId: firmId, actor: { kind: 'staff', userId: partnerAdminId } } as const;

  // Every call is (caller, input object). A create with an idempotency key is safe to retry.
  const addAnn = () =>
    portal.clients.createClient(pat, {
      kind: 'individual',
      owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }],
      subscription: 'pro',
      idempotencyKey: 'signup-form-7f3a',
    });
  const created = await addAnn();
  const retried = await addAnn(); // the same clientId, revision (0) and position; nothing appended
  const { clientId, ownerIds } = created;
  const annId = ownerIds[0]!;
  await portal.invitations.inviteMember(pat, { clientId, contactId: annId });

  // Ann follows the emailed link (contact id + raw token) and sets her password.
  await mail.settled();
  const link = new URL(/https:\/\/portal\.example\/portal\/\S+\/activate\S+/.exec(mailer.sent.at(-1)!.text)![0]);
  const token = link.searchParams.get('token')!;
  await portal.invitations.acceptInvitation({ contactId: annId, token, password: 'a long passphrase' });
  await portal.access.logIn({ tenantId: firmId, contactId: annId, password: 'a long passphrase' });

  const { text } = await portal.invitations.memberStatus(pat, { clientId, contactId: annId });
  // text: "Last logged in 2026-…"
  await mail.stop();
  // --- README example end
  expect(text).toMatch(/^Last logged in \d{4}-\d{2}-\d{2}/);
  expect(retried).toEqual(created);
  expect(created.revision).toBe(0);
});
