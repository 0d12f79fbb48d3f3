import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import type { Actor } from '../../src/core/envelope.js';
import { PortalError } from '../../src/core/errors.js';
import type { DocumentCommand } from '../../src/document/commands.js';
import { documentDecider } from '../../src/document/decider.js';
import { documentEvents, type DocumentEvent } from '../../src/document/events.js';
import { testContext } from '../support/decider-spec.js';
import {
  contact,
  documentId,
  markForSync,
  moveDocument,
  otherContact,
  recordDownload,
  recordView,
  removeDocument,
  renameDocument,
  staff,
  syncedDelete,
  syncedUpsert,
  syncProcess,
  uploadDocument,
  uploadFailed,
  uploadNewVersion,
  uploadSucceeded,
} from './builders.js';
import { hashOf } from '../support/content-hash.js';

const folder = fc.constantFrom('Tax', 'Tax/2024', 'Uploads', 'Uploads/2024');
const name = fc.constantFrom('a.pdf', 'b.pdf', 'c: d.pdf');
const hash = fc.constantFrom(hashOf(1), hashOf(2), hashOf(3));
const tag = fc.option(fc.constantFrom('t-1', 't-2'), { nil: undefined });
const content = fc.option(hash.map((h) => ({ size: 1, contentHash: h, blobRef: `blob-${h.slice(-8)}` })), { nil: undefined });

const command: fc.Arbitrary<DocumentCommand> = fc.oneof(
  fc.record({ folderPath: folder, name }).map((d) => uploadDocument(d)),
  hash.map((h) => uploadNewVersion({ contentHash: h, blobRef: `blob-${h.slice(-8)}` })),
  name.map((n) => renameDocument(n)),
  folder.map((f) => moveDocument(f)),
  fc.constant(removeDocument()),
  fc.record({ folderPath: folder, name, cTag: tag, eTag: tag, content }).map((c) => syncedUpsert(c, { documentId })),
  fc.constant(syncedDelete({ documentId })),
  fc.boolean().map((linked) => markForSync(linked)),
  tag.map((t) => uploadSucceeded({ cTag: t ?? 't-up' })),
  fc.constant(uploadFailed()),
  fc.boolean().map((visible) => recordDownload({ visibleToContact: visible })),
  fc.boolean().map((visible) => recordView({ visibleToContact: visible })),
);
const actor: fc.Arbitrary<Actor> = fc.constantFrom(staff, contact, otherContact, syncProcess);

const schemas = new Map(documentEvents.map((d) => [d.type, d.schema]));
const changesFile = new Set(['DocumentVersionAdded', 'DocumentRenamed', 'DocumentMoved', 'DocumentRemoved']);

describe('document invariants', () => {
  it('random command sequences never let a client change a firm document, sync changes apply once, and folding is deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ command, actor }), { maxLength: 30 }), (steps) => {
        const history: DocumentEvent[] = [];
        for (const step of steps) {
          const state = fold(documentDecider, history);
          const ctx = testContext({ actor: step.actor });
          let events: DocumentEvent[] = [];
          try {
            events = documentDecider.decide(step.command, state, ctx);
          } catch (error) {
            expect(error).toBeInstanceOf(PortalError);
          }
          for (const event of events) {
            expect(schemas.get(event.type)!.safeParse(event.data).success).toBe(true);
            if (step.actor.kind === 'contact' && changesFile.has(event.type) && state.status !== 'none') {
              expect(state.origin).toBe('client_upload');
              expect(state.uploadedByContactId).toBe(step.actor.contactId);
            }
            if (event.type === 'DocumentDownloaded' || event.type === 'DocumentViewed') expect(state.status).toBe('present');
          }
          history.push(...events);
          if (step.command.type === 'ApplySyncedChange' && events.length > 0) {
            expect(documentDecider.decide(step.command, fold(documentDecider, history), ctx)).toEqual([]);
          }
        }
        expect(fold(documentDecider, history)).toEqual(fold(documentDecider, history));
      }),
      { numRuns: 300 },
    );
  });
});
