import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryEventStore } from '../../../adapters/event-store/memory.js';
import type { AccessGrant } from '../../../src/application/read-models.js';
import type { RecordedEvent } from '../../../src/core/envelope.js';
import { testClock } from '../../support/portal.js';
import { csvText, everyAnswer, life, livePortal, openFirm, outcome, play, probeInstants, tableDump, allPages, type Firm, type LivePortal } from './portal-life.js';

// Modest by default (the file stays near 30 s on a busy machine); PROPERTY_RUNS=200 for a longer hunt.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
/** The as-of properties skip the two full query sweeps: twice the runs for the same time. */
const AS_OF_RUNS = 2 * RUNS;

async function rawEvents(live: LivePortal): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of live.store.readAll()) out.push(event);
  return out;
}

/** A fresh portal whose store holds only the events that had happened by `t` (as stored: encrypted, with the same keys). */
async function replayedUpTo(live: LivePortal, t: string): Promise<LivePortal> {
  const store = memoryEventStore();
  for (const { streamId, revision, position: _p, ...event } of await rawEvents(live)) {
    if (event.metadata.occurredAt > t) continue;
    await store.append(streamId, [event], revision === 0 ? 'no_stream' : revision - 1);
  }
  const replay = livePortal({ store, keys: live.keys, clock: testClock(new Date(t)) });
  const last = await store.lastPosition();
  if (last !== undefined) await replay.readModels.waitFor(last);
  return replay;
}

/** A grant's facts that do not depend on when it is asked (names are as the firm knows them now). */
const facts = ({ clientId, contactId, loginEmail, sharedItems, state, validFrom, grantedBy }: AccessGrant) => ({
  clientId,
  contactId,
  loginEmail,
  sharedItems,
  state,
  validFrom,
  grantedBy: { kind: grantedBy.kind, id: grantedBy.id },
});

const grantsAt = (live: LivePortal, firm: Firm, at: string) => allPages((page) => live.portal.audit.accessAsOf(firm.admin, { at, ...page }));

/** The members with open access now, from the client list (current and archived clients). */
async function openAccessNow(live: LivePortal, firm: Firm) {
  const rows = [
    ...(await allPages((page) => live.portal.clientList.search(firm.admin, { archived: false, ...page }), 50)),
    ...(await allPages((page) => live.portal.clientList.search(firm.admin, { archived: true, ...page }), 50)),
  ];
  return rows
    .flatMap((row) => row.members.map((m) => ({ clientId: row.clientId, contactId: m.contactId, loginEmail: m.access.loginEmail, state: m.access.state })))
    .filter((m) => m.state === 'pending' || m.state === 'active')
    .sort((a, b) => (a.contactId < b.contactId ? -1 : 1));
}

const byContact = <T extends { contactId: string }>(list: T[]) => [...list].sort((a, b) => (a.contactId < b.contactId ? -1 : 1));
const byDocument = <T extends { documentId: string }>(list: T[]) => [...list].sort((a, b) => (a.documentId < b.documentId ? -1 : 1));
/** What a contact sees of each document (the as-of view adds who uploaded it and when, for the firm). */
const seenFacts = (list: Array<{ documentId: string; folderPath: string; name: string; size: number; version: number }>) =>
  byDocument(list.map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version })));

describe('read models over random lives of a firm (fast-check, through createPortal)', () => {
  it('answer every query the same live and after a rebuild, table by table', async () => {
    await fc.assert(
      fc.asyncProperty(life(30), async (steps) => {
        const live = livePortal();
        const firm = await openFirm(live, 'a');
        await play(live, firm, steps);
        const instants = probeInstants((await rawEvents(live)).map((e) => e.metadata.occurredAt));
        const before = await everyAnswer(live, firm, instants);
        const tables = tableDump(live.readModels);
        await live.readModels.rebuild();
        expect(tableDump(live.readModels)).toEqual(tables);
        expect(await everyAnswer(live, firm, instants)).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('as of the last event answers as the read models do now', async () => {
    await fc.assert(
      fc.asyncProperty(life(30), async (steps) => {
        const live = livePortal();
        const firm = await openFirm(live, 'a');
        await play(live, firm, steps);
        const last = (await rawEvents(live)).at(-1)!.metadata.occurredAt;
        live.clock.set(last);
        expect(await csvText(await live.portal.exports.activationCsv(firm.admin, { asOf: last }))).toBe(await csvText(await live.portal.exports.activationCsv(firm.admin, {})));
        const grants = await grantsAt(live, firm, last);
        expect(byContact(grants.map(({ clientId, contactId, loginEmail, state }) => ({ clientId, contactId, loginEmail, state })))).toEqual(await openAccessNow(live, firm));
        for (const grant of grants) {
          const access = await live.portal.access.getPortalAccess(firm.admin, { contactId: grant.contactId });
          expect(grant.sharedItems).toEqual(access.sharedItems);
        }
        for (const { clientId, contactId } of firm.contacts) {
          const listed = await outcome(() => allPages((page) => live.portal.documents.list(firm.admin, { clientId, ...page }), 50));
          const visible = 'refused' in listed ? [] : listed.filter((d) => d.visibleTo.some((v) => v.contactId === contactId));
          const seen = await outcome(() => live.portal.audit.viewAsClient(firm.admin, { contactId, at: last }));
          expect(seen).not.toHaveProperty('refused');
          expect(seenFacts(seen as any[])).toEqual(byDocument(visible.map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version }))));
        }
      }),
      { numRuns: AS_OF_RUNS },
    );
  }, 120_000);

  it('as of a random earlier instant answers as a portal that only had the events up to it', async () => {
    await fc.assert(
      fc.asyncProperty(life(30), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, -1, 1), async (steps, where, nudgeMs) => {
        const live = livePortal();
        const firm = await openFirm(live, 'a');
        await play(live, firm, steps);
        const instants = [...new Set((await rawEvents(live)).map((e) => e.metadata.occurredAt))].sort();
        const chosen = instants[Math.min(instants.length - 1, Math.floor(where * instants.length))]!;
        // Never before the firm was opened: a portal without the firm has no firm to ask.
        const t = new Date(Math.max(new Date(chosen).getTime() + nudgeMs, new Date(instants[0]!).getTime())).toISOString();
        const replay = await replayedUpTo(live, t);
        expect(await csvText(await live.portal.exports.activationCsv(firm.admin, { asOf: t }))).toBe(await csvText(await replay.portal.exports.activationCsv(firm.admin, {})));
        expect(byContact((await grantsAt(live, firm, t)).map(facts))).toEqual(byContact((await grantsAt(replay, firm, t)).map(facts)));
        for (const { contactId, clientId } of firm.contacts) {
          const then = await outcome(() => replay.portal.audit.viewAsClient(firm.admin, { contactId, at: t }));
          const seen = await live.portal.audit.viewAsClient(firm.admin, { contactId, at: t });
          // A contact who did not exist yet is unknown to the replay and sees nothing in the log as it is.
          if ('refused' in then) {
            expect(then.refused).toBe('contact.not_found');
            expect(seen).toEqual([]);
            continue;
          }
          expect(byDocument(seen)).toEqual(byDocument(then));
          const listed = await outcome(() => allPages((page) => replay.portal.documents.list(firm.admin, { clientId, ...page }), 50));
          const visible = 'refused' in listed ? [] : listed.filter((d) => d.visibleTo.some((v) => v.contactId === contactId));
          expect(seenFacts(seen)).toEqual(byDocument(visible.map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version }))));
        }
      }),
      { numRuns: AS_OF_RUNS },
    );
  }, 120_000);
});
