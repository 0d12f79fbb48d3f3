import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeLoginEmail, changeSharedSelection, closePortalAccess, getPortalAccess, openPortalAccess } from '../../../src/application/access.js';
import { accessAsOf, viewAsClient } from '../../../src/application/audit-access.js';
import { list } from '../../../src/application/document-views.js';
import { moveDocument, removeDocument, renameDocument, uploadDocument, uploadNewVersion } from '../../../src/application/documents.js';
import { acceptInvitation } from '../../../src/application/invitations.js';
import type { Caller } from '../../../src/application/context.js';
import type { AccessGrant } from '../../../src/application/read-models.js';
import { fold } from '../../../src/core/decider.js';
import type { RecordedEvent } from '../../../src/core/envelope.js';
import { PortalError } from '../../../src/core/errors.js';
import { documentDecider } from '../../../src/document/decider.js';
import type { DocumentEvent } from '../../../src/document/events.js';
import { portalAccessDecider } from '../../../src/portal-access/decider.js';
import type { PortalAccessEvent } from '../../../src/portal-access/events.js';
import { canSee } from '../../../src/portal-access/shared-items.js';
import { hashOf } from '../../support/content-hash.js';
import { allEvents, contactCaller, fastSecrets, givenClient, givenFirm, testPortal } from '../../support/portal.js';


const folders = ['Tax', 'Tax/2025', 'Payroll', 'Uploads'];
const folder = fc.constantFrom(...folders);
const selection = fc.array(fc.oneof(folder.map((path) => ({ kind: 'folder' as const, path })), fc.nat(5).map((doc) => ({ kind: 'document' as const, doc }))), {
  minLength: 1,
  maxLength: 3,
});
const who = fc.constantFrom(0, 0, 1, 2);
const weighted = (weight: number, arbitrary: fc.Arbitrary<unknown>) => ({ weight, arbitrary });
// Weighted so that most runs open access, share folders that hold documents, and change those documents.
const command = fc.oneof(
  weighted(4, fc.record({ type: fc.constant('open' as const), who, selection })),
  weighted(2, fc.record({ type: fc.constant('select' as const), who, selection })),
  weighted(1, fc.record({ type: fc.constant('email' as const), who, n: fc.nat(2) })),
  weighted(1, fc.record({ type: fc.constant('accept' as const), who })),
  weighted(1, fc.record({ type: fc.constant('close' as const), who })),
  weighted(4, fc.record({ type: fc.constant('upload' as const), client: fc.nat(1), folder, name: fc.constantFrom('a.pdf', 'b.pdf', 'c.pdf') })),
  weighted(1, fc.record({ type: fc.constant('contactUpload' as const), who, name: fc.constantFrom('r.jpg', 's.jpg') })),
  weighted(2, fc.record({ type: fc.constant('rename' as const), doc: fc.nat(5), name: fc.constantFrom('x.pdf', 'y.pdf', 'z.pdf') })),
  weighted(2, fc.record({ type: fc.constant('move' as const), doc: fc.nat(5), folder })),
  weighted(1, fc.record({ type: fc.constant('version' as const), doc: fc.nat(5), n: fc.integer({ min: 2, max: 9 }) })),
  weighted(1, fc.record({ type: fc.constant('remove' as const), doc: fc.nat(5) })),
);
const step = fc.record({ command, advanceMs: fc.constantFrom(0, 0, 1, 60_000, 3_600_000) });
type Step = { command: any; advanceMs: number };

/** The grants and documents as of `at`, from a replay of the events that had happened by then. */
function replayAt(events: readonly RecordedEvent[], at: string) {
  const upTo = events.filter((e) => e.metadata.occurredAt <= at);
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of upTo) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  const grants = new Map<string, { clientId: string; contactId: string; loginEmail: string; sharedItems: unknown; state: string; validFrom: string }>();
  const accesses = new Map<string, ReturnType<typeof portalAccessDecider.evolve>>();
  const documents: Array<ReturnType<typeof documentDecider.evolve>> = [];
  for (const [streamId, streamEvents] of byStream) {
    if (streamId.startsWith('portal-access-')) {
      const state = fold(portalAccessDecider, streamEvents as unknown as PortalAccessEvent[]);
      if (state.status !== 'pending' && state.status !== 'active') continue;
      const changes = ['PortalAccessOpened', 'SharedSelectionChanged', 'LoginEmailChanged', 'PortalAccessActivated'];
      const from = streamEvents.filter((e) => changes.includes(e.type)).at(-1)!.metadata.occurredAt;
      accesses.set(state.contactId!, state);
      grants.set(state.contactId!, { clientId: state.clientId!, contactId: state.contactId!, loginEmail: state.loginEmail!, sharedItems: state.sharedItems, state: state.status, validFrom: from });
    }
    if (streamId.startsWith('document-')) documents.push(fold(documentDecider, streamEvents as unknown as DocumentEvent[]));
  }
  const seenBy = (contactId: string) => {
    const access = accesses.get(contactId);
    if (!access) return [];
    return documents
      .flatMap((d) => (d.status === 'present' && d.clientId === access.clientId && canSee(access, d) ? [d] : []))
      .map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version }));
  };
  return { grants: [...grants.values()], seenBy };
}

/** The documents sorted by id, as the contact saw them (without the firm's facts of who uploaded each and when). */
const byId = <T extends { documentId: string; folderPath: string; name: string; size: number; version: number }>(docs: T[]) =>
  [...docs].sort((a, b) => (a.documentId < b.documentId ? -1 : 1)).map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version }));
const grantFacts = ({ clientId, contactId, loginEmail, sharedItems, state, validFrom }: AccessGrant) => ({ clientId, contactId, loginEmail, sharedItems, state, validFrom });
const byContact = <T extends { contactId: string }>(grants: T[]) => [...grants].sort((a, b) => (a.contactId < b.contactId ? -1 : 1));

async function allGrants(ctx: any, admin: Caller, at: string): Promise<AccessGrant[]> {
  const out: AccessGrant[] = [];
  let cursor: string | undefined;
  do {
    const page = await accessAsOf(ctx, admin, { at, limit: 2, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

describe('access intervals and document versions against a replay (fast-check)', () => {
  it('answer as a replay of the events up to any instant, the same after a rebuild, and as the current state at the last one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 20 }), async (steps) => {
        const portal = testPortal({ secrets: fastSecrets() });
        const { ctx, clock, outbox } = portal;
        const { tenantId, admin } = await givenFirm(ctx);
        const single = await givenClient(ctx, admin, { owners: [{ name: 'Ann', emails: ['ann@a.example'] }] });
        const group = await givenClient(ctx, admin, { owners: [{ name: 'Bo', emails: ['bo@b.example'] }, { name: 'Cy', emails: ['cy@c.example'] }] });
        const contacts = [
          { contactId: single.contactIds[0]!, clientId: single.clientId },
          { contactId: group.contactIds[0]!, clientId: group.clientId },
          { contactId: group.contactIds[1]!, clientId: group.clientId },
        ];
        const clients = [single.clientId, group.clientId];
        const docs: string[] = [];
        const docOf = (n: number) => docs[n % Math.max(docs.length, 1)] ?? 'no-document';
        const items = (sel: any[]) => sel.map((i) => (i.kind === 'folder' ? i : { kind: 'document', documentId: docOf(i.doc) }));
        for (const { command: c, advanceMs } of steps as Step[]) {
          clock.advance(advanceMs);
          const contact = contacts[c.who ?? 0]!;
          try {
            switch (c.type) {
              case 'open': await openPortalAccess(ctx, admin, { ...contact, sharedItems: items(c.selection) }); break;
              case 'select': await changeSharedSelection(ctx, admin, { contactId: contact.contactId, sharedItems: items(c.selection) }); break;
              case 'email': await changeLoginEmail(ctx, admin, { contactId: contact.contactId, loginEmail: `login${c.n}@x.example` }); break;
              case 'accept': {
                const sent = (await outbox.lastTo(contact.contactId));
                if (sent) await acceptInvitation(ctx, { contactId: contact.contactId, token: sent.token, password: 'correct horse battery' });
                break;
              }
              case 'close': await closePortalAccess(ctx, admin, { contactId: contact.contactId, via: 'toggle' }); break;
              case 'upload': docs.push((await uploadDocument(ctx, admin, { clientId: clients[c.client]!, folderPath: c.folder, name: c.name, size: 1, contentHash: hashOf(1), blobRef: 'b' })).document.documentId); break;
              case 'contactUpload': {
                const caller = contactCaller(tenantId, contact.contactId);
                docs.push((await uploadDocument(ctx, caller, { clientId: contact.clientId, folderPath: 'Uploads', name: c.name, size: 2, contentHash: hashOf(2), blobRef: 'b' })).document.documentId);
                break;
              }
              case 'rename': await renameDocument(ctx, admin, { documentId: docOf(c.doc), name: c.name }); break;
              case 'move': await moveDocument(ctx, admin, { documentId: docOf(c.doc), folderPath: c.folder }); break;
              case 'version': await uploadNewVersion(ctx, admin, { documentId: docOf(c.doc), size: c.n, contentHash: hashOf(c.n), blobRef: `b${c.n}` }); break;
              case 'remove': await removeDocument(ctx, admin, { documentId: docOf(c.doc) }); break;
            }
          } catch (error) {
            if (!(error instanceof PortalError)) throw error;
          }
          // Sometimes the read models follow live, sometimes they catch up later: both must agree.
          if (advanceMs === 60_000) await ctx.views();
        }
        const events = await allEvents(ctx);
        const instants = [...new Set(events.map((e) => e.metadata.occurredAt))];
        const probes = [...new Set(instants.flatMap((at) => [at, new Date(new Date(at).getTime() - 1).toISOString()]))];
        const answers = async () => {
          const out = [];
          for (const at of probes) out.push(await allGrants(ctx, admin, at), ...(await Promise.all(contacts.map(({ contactId }) => viewAsClient(ctx, admin, { contactId, at })))));
          return out;
        };
        const live = await answers();
        await portal.readModels.rebuild(['documents', 'access-intervals']);
        expect(await answers()).toEqual(live);
        for (const at of probes) {
          const expected = replayAt(events, at);
          expect(byContact((await allGrants(ctx, admin, at)).map(grantFacts)), `grants at ${at}`).toEqual(byContact(expected.grants));
          for (const { contactId } of contacts) {
            expect(byId(await viewAsClient(ctx, admin, { contactId, at })), `${contactId} at ${at}`).toEqual(byId(expected.seenBy(contactId)));
          }
        }
        // At the last event the past is the present: the grants are the open accesses, the views the current lists.
        const last = instants.at(-1)!;
        const now = byContact((await allGrants(ctx, admin, last)).map((g) => ({ contactId: g.contactId, loginEmail: g.loginEmail, sharedItems: g.sharedItems })));
        const current = [];
        for (const { contactId } of contacts) {
          const access = await getPortalAccess(ctx, admin, { contactId }).catch(() => null);
          if (access && access.status !== 'closed') current.push({ contactId, loginEmail: access.loginEmail, sharedItems: access.sharedItems });
        }
        expect(now).toEqual(byContact(current));
        for (const { contactId, clientId } of contacts) {
          const listed = (await list(ctx, admin, { clientId, limit: 200 })).items.filter((d) => d.visibleTo.some((v) => v.contactId === contactId));
          const seen = await viewAsClient(ctx, admin, { contactId, at: last });
          expect(byId(seen)).toEqual(byId(listed.map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version }))));
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
