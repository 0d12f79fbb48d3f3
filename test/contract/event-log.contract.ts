import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { handleCommand } from '../../src/core/command-handler.js';
import { ERASED, EventRegistry } from '../../src/core/events.js';
import { EventLog, LIBRARY_VERSION, type AppendContext } from '../../src/core/event-log.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import type { EventStore } from '../../src/core/event-store.js';
import type { KeyStore } from '../../src/core/ports.js';
import { contactRegistered, counterDecider, counterIncremented, sampleRegistry } from '../support/sample-events.js';
import { newEvent } from './event-store.contract.js';

export type EventLogFactory = () => Promise<{ store: EventStore; keys: KeyStore }>;

const context: AppendContext = {
  tenantId: 'firm-1',
  actor: { kind: 'staff', userId: 'user-1' },
  correlationId: 'corr-1',
  causationId: 'corr-1',
  occurredAt: '2026-01-15T09:00:00.000Z',
};
const ids = { newId: () => randomUUID() };
const clock = { now: () => new Date('2026-01-15T09:00:00.000Z') };

/**
 * What the typed event log and the command handler promise on top of every store adapter:
 * schema evolution, crypto-shredding, and no lost update under concurrent commands.
 */
export function eventLogContract(name: string, factory: EventLogFactory): void {
  describe(`EventLog over ${name}`, () => {
    let store: EventStore;
    let keys: KeyStore;
    let log: EventLog;
    let prefix: string;

    beforeEach(async () => {
      ({ store, keys } = await factory());
      log = new EventLog({ store, keys, cipher: aesGcmCipher, registry: sampleRegistry(), ids });
      prefix = `t${randomUUID().slice(0, 8)}_`;
    });
    afterEach(async () => {
      await store.close();
    });

    it('upcasts an event stored in an older shape when reading it', async () => {
      const old = newEvent('ContactRegistered', { contactId: 'c-1', fullName: 'Ada Lovelace', email: 'ada@example.com' });
      await store.append(`${prefix}contact`, [old], 'no_stream');
      const [read] = await log.readStream(`${prefix}contact`);
      expect(read!.data).toEqual({ contactId: 'c-1', name: 'Ada Lovelace', emails: ['ada@example.com'] });
      expect(read!.metadata.schemaVersion).toBe(2);
    });

    it('names stream, revision and type of a stored event that no longer parses', async () => {
      await store.append(`${prefix}bad`, [newEvent('CounterIncremented', { by: 'one' })], 'no_stream');
      await expect(log.readStream(`${prefix}bad`)).rejects.toMatchObject({
        code: 'store.unreadable_event',
        details: { streamId: `${prefix}bad`, revision: 0, type: 'CounterIncremented' },
      });
    });

    it('trusts on readStream what this version wrote in the current shape, and still validates it on readAll', async () => {
      await log.append(`${prefix}n`, [{ type: 'CounterIncremented', data: { by: 1 } }], 'no_stream', context);
      // The same type and version with a stricter schema: only a re-validation would notice.
      const stricter = { ...counterIncremented, schema: z.object({ by: z.number().int().min(100) }) };
      const registry = () => new EventRegistry([contactRegistered, stricter]);
      const trusting = new EventLog({ store, keys, cipher: aesGcmCipher, registry: registry(), ids });
      const validating = new EventLog({ store, keys, cipher: aesGcmCipher, registry: registry(), ids, trustStoredEvents: false });

      const [read] = await trusting.readStream(`${prefix}n`);
      expect(read).toMatchObject({ data: { by: 1 }, metadata: { schemaVersion: 1, writtenBy: LIBRARY_VERSION } });
      await expect(validating.readStream(`${prefix}n`)).rejects.toMatchObject({ code: 'store.unreadable_event' });
      const replay = async () => {
        for await (const _ of trusting.readAll({ filter: { streamPrefixes: [`${prefix}n`] } }));
      };
      await expect(replay()).rejects.toMatchObject({ code: 'store.unreadable_event' });
    });

    it('refuses to append an event that does not match its schema', async () => {
      await expect(
        log.append(`${prefix}x`, [{ type: 'CounterIncremented', data: { by: 1.5 } }], 'any', context),
      ).rejects.toMatchObject({ code: 'event.invalid' });
      expect(await store.readStream(`${prefix}x`)).toEqual([]);
    });

    describe('personal data', () => {
      const register = (contactId: string, name: string, email: string) => ({
        type: contactRegistered.type,
        data: { contactId, name, emails: [email], note: 'not personal' },
      });

      it('stores personal fields encrypted and reads them back in clear', async () => {
        await log.append(`${prefix}c`, [register('ada', 'Ada Lovelace', 'ada@example.com')], 'any', context);
        const [raw] = await store.readStream(`${prefix}c`);
        expect(JSON.stringify(raw!.data)).not.toContain('Ada');
        expect(JSON.stringify(raw!.data)).not.toContain('ada@example.com');
        expect((raw!.data as { note: string }).note).toBe('not personal');
        const [read] = await log.readStream(`${prefix}c`);
        expect(read!.data).toEqual({ contactId: 'ada', name: 'Ada Lovelace', emails: ['ada@example.com'], note: 'not personal' });
      });

      it('reads a forgotten subject as erased everywhere, keeps the others, and still replays', async () => {
        const ada = `ada-${prefix}`;
        const bob = `bob-${prefix}`;
        await log.append(`${prefix}c`, [register(ada, 'Ada Lovelace', 'ada@example.com')], 'any', context);
        await log.append(`${prefix}c`, [register(bob, 'Bob Brown', 'bob@example.com')], 'any', context);
        await log.forget(ada, context);

        const [adaEvent, bobEvent] = await log.readStream(`${prefix}c`);
        expect(adaEvent!.data).toEqual({ contactId: ada, name: ERASED, emails: [ERASED], note: 'not personal' });
        expect(bobEvent!.data).toMatchObject({ name: 'Bob Brown', emails: ['bob@example.com'] });

        const replayed = [];
        for await (const event of log.readAll({ filter: { streamPrefixes: [`${prefix}c`, `data-subject-${ada}`] } })) replayed.push(event);
        expect(replayed.map((e) => e.type)).toEqual(['ContactRegistered', 'ContactRegistered', 'PersonalDataForgotten']);
        expect(replayed[2]!.data).toMatchObject({ subjectId: ada });
        await expect(keys.isForgotten(ada)).resolves.toBe(true);
      });

      it('refuses new personal data for a forgotten subject but accepts its erased marker', async () => {
        const ada = `ada-${prefix}`;
        await log.forget(ada, context);
        await expect(log.append(`${prefix}c`, [register(ada, 'Ada again', 'ada@example.com')], 'any', context)).rejects.toMatchObject({
          code: 'personal_data.subject_forgotten',
        });
        await log.append(`${prefix}c`, [{ type: contactRegistered.type, data: { contactId: ada, name: ERASED, emails: [] } }], 'any', context);
        const [read] = await log.readStream(`${prefix}c`);
        expect(read!.data).toMatchObject({ name: ERASED });
      });
    });

    it('runs 100 concurrent commands on one stream without losing an update, on default settings', async () => {
      const streamId = `${prefix}counter`;
      const deps = { log, clock, ids };
      const meta = { tenantId: 'firm-1', actor: { kind: 'system' as const, name: 'test' } };
      await Promise.all(Array.from({ length: 100 }, () => handleCommand(deps, counterDecider, streamId, { type: 'Increment' }, meta)));
      const events = await log.readStream(streamId);
      expect(events).toHaveLength(100);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    });

    it('runs 100 concurrent commands on one stream from four event logs, as from four processes, on default settings', async () => {
      const streamId = `${prefix}shared-counter`;
      const processes = Array.from({ length: 4 }, () => ({ log: new EventLog({ store, registry: sampleRegistry(), ids }), clock, ids }));
      const meta = { tenantId: 'firm-1', actor: { kind: 'system' as const, name: 'test' } };
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => handleCommand(processes[i % 4]!, counterDecider, streamId, { type: 'Increment' }, meta)),
      );
      const events = await log.readStream(streamId);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it('re-sends the same events after a transient failure, so a write whose ack was lost is not duplicated', async () => {
      const streamId = `${prefix}lost-ack`;
      const flaky = ackLostOnce(store);
      const deps = { log: new EventLog({ store: flaky, keys, cipher: aesGcmCipher, registry: sampleRegistry(), ids }), clock, ids };
      const meta = { tenantId: 'firm-1', actor: { kind: 'system' as const, name: 'test' } };
      const result = await handleCommand(deps, counterDecider, streamId, { type: 'Increment' }, meta);
      const events = await store.readStream(streamId);
      expect(events).toHaveLength(1);
      expect(result).toMatchObject({ nextExpectedRevision: 0, position: events[0]!.position, state: 1 });
    });
  });
}

/** A store whose first append is written but then reported as failed, as when the ack is lost on the way back. */
function ackLostOnce(store: EventStore): EventStore {
  let failed = false;
  return {
    ...store,
    async append(streamId, events, expected) {
      const result = await store.append(streamId, events, expected);
      if (failed) return result;
      failed = true;
      throw new StoreUnavailableError('The connection dropped before the store answered.');
    },
  };
}
