import { describe, expect, it, vi } from 'vitest';
import { changeKinds } from '../../../adapters/http/client-list-changes.js';
import { clientListProjection } from '../../../projections/read-models/client-list.js';
import type { RecordedEvent } from '../../../src/core/envelope.js';
import { changeOf, countSubscriptions, liveServer } from './live-support.js';

async function eventOf(events: AsyncIterable<RecordedEvent>, match: (e: RecordedEvent) => boolean): Promise<RecordedEvent> {
  for await (const event of events) if (match(event)) return event;
  throw new Error('no such event');
}

describe('the live client list stream', () => {
  it('sends invitation.sent with the invitation event’s position as its id, and ids only', async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    const stream = await live.open({ token: firm.token });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');

    const { clientId, contactId, email } = await live.givenClient(firm);
    await live.invite(firm, clientId);
    const read = await stream.until('invitation.sent');

    const sent = await eventOf(live.http.store.readAll(), (e) => e.type === 'InvitationSent' && (e.data as { contactId: string }).contactId === contactId);
    const message = read.at(-1)!;
    expect(message.id).toBe(String(sent.position));
    expect(changeOf(message)).toEqual({ position: sent.position, kind: 'invitation.sent', clientId, contactId, occurredAt: sent.metadata.occurredAt });
    expect(read[0]!.event).toBe('client.created');
    const wire = read.map((m) => m.data).join('\n');
    expect(wire).not.toContain('Ann');
    expect(wire).not.toContain(email);
  });

  it('tells of an acceptance (invitation.accepted, access.activated) and a login (member.logged_in)', async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    const { clientId, contactId, email } = await live.givenClient(firm);
    await live.invite(firm, clientId);
    const stream = await live.open({ token: firm.token });

    expect((await live.accept(contactId)).status).toBe(200);
    const accepted = await stream.until('access.activated');
    expect(accepted.map((m) => m.event)).toEqual(['invitation.accepted', 'access.opened', 'access.activated']);
    expect(accepted.every((m) => changeOf(m).contactId === contactId && changeOf(m).clientId === clientId)).toBe(true);

    expect((await live.logIn(firm, email)).status).toBe(200);
    const [loggedIn] = await stream.until('member.logged_in');
    expect(changeOf(loggedIn!)).toMatchObject({ kind: 'member.logged_in', clientId, contactId });
    expect(loggedIn!.data).not.toContain('127.0.0.1');
  });

  it('starts at the end of the log without Last-Event-ID: only new changes', async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    await live.givenClient(firm);
    const stream = await live.open({ token: firm.token });
    const { clientId } = await live.givenClient(firm);
    expect(changeOf((await stream.next())!)).toMatchObject({ kind: 'client.created', clientId });
  });

  it('resumes after Last-Event-ID with exactly the missed changes, none twice', async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    const start = (await live.http.store.lastPosition())!;
    const first = await live.open({ token: firm.token });
    const { clientId } = await live.givenClient(firm);
    await live.invite(firm, clientId);
    const seen = await first.until('invitation.sent');
    first.close();

    // While disconnected: another client, and the first one renamed last.
    const other = await live.givenClient(firm);
    await live.invite(firm, other.clientId);
    await live.rename(firm, clientId, 'Smith Holdings');
    const resumed = await live.open({ token: firm.token, headers: { 'last-event-id': seen.at(-1)!.id! } });
    const missed = await resumed.until('client.renamed');

    const ids = [...seen, ...missed].map((m) => Number(m.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual((await live.changesInLog(firm.firmId, start)).map((c) => c.position));
    expect(missed[0]).toMatchObject({ event: 'client.created' });
    expect(changeOf(missed[0]!).clientId).toBe(other.clientId);
  });

  it('resumes after ?after= for clients that cannot send the header', async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    const { clientId } = await live.givenClient(firm);
    const [created] = await live.changesInLog(firm.firmId);
    await live.invite(firm, clientId);
    const stream = await live.open({ token: firm.token, query: `?after=${created!.position}` });
    const [next] = await stream.until('invitation.sent');
    expect(next!.event).toBe('invitation.sent');
  });

  it("never carries another firm's changes, either way round", async () => {
    const live = await liveServer();
    const a = await live.http.givenFirm('Firm A');
    const b = await live.http.givenFirm('Firm B');
    const streamA = await live.open({ token: a.token });
    const streamB = await live.open({ token: b.token });

    const theirs = await live.givenClient(b);
    await live.invite(b, theirs.clientId);
    await live.accept(theirs.contactId);
    const ours = await live.givenClient(a);
    await live.invite(a, ours.clientId);

    // A's stream goes straight to A's own changes; B's ends its own with B's activation.
    expect((await streamA.until('invitation.sent')).map((m) => changeOf(m).clientId)).toEqual([ours.clientId, ours.clientId]);
    const seenByB = await streamB.until('access.activated');
    expect(seenByB.every((m) => changeOf(m).clientId === theirs.clientId)).toBe(true);
    await live.rename(b, theirs.clientId, 'Theirs Ltd');
    expect(changeOf((await streamB.next())!)).toMatchObject({ kind: 'client.renamed', clientId: theirs.clientId });

    // Replayed from the very start, the log still gives A only A's.
    const replay = await live.open({ token: a.token, headers: { 'last-event-id': '0' } });
    const replayed = await replay.until('invitation.sent');
    expect(replayed.map((m) => changeOf(m).clientId)).toEqual([ours.clientId, ours.clientId]);
  });

  it('sends the retry hint first and heartbeat comments while quiet', async () => {
    const live = await liveServer({ heartbeatMs: 20, retryMs: 1234 });
    const firm = await live.http.givenFirm();
    const stream = await live.open({ token: firm.token });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await live.givenClient(firm);
    await stream.next();
    expect(stream.retries).toEqual([1234]);
    expect(stream.comments.length).toBeGreaterThan(0);
    expect(stream.comments.every((c) => c === 'heartbeat')).toBe(true);
  });

  it('ends a stream after its longest life, for the browser to reconnect and authenticate again', async () => {
    const live = await liveServer({ maxStreamMs: 50 });
    const firm = await live.http.givenFirm();
    const stream = await live.open({ token: firm.token });
    expect(await stream.next()).toBeNull();
  });
});

describe('who may open it', () => {
  it('asks for credentials with 401', async () => {
    const live = await liveServer();
    const { response } = await live.open();
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'auth.unauthenticated' });
  });

  it("refuses a contact's session and the platform operator with 403", async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    const { clientId, contactId } = await live.givenClient(firm);
    await live.invite(firm, clientId);
    const session = (await live.accept(contactId)).body.session.token as string;
    for (const token of [session, firm.operator]) {
      const { response } = await live.open({ token });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ type: 'auth.not_for_you' });
    }
  });

  it.each([
    [{ headers: { 'last-event-id': 'abc' } }],
    [{ headers: { 'last-event-id': '-1' } }],
    [{ headers: { 'last-event-id': '1.5' } }],
    [{ query: '?after=soon' }],
  ])('refuses a malformed resume position %j with 400', async (options) => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    const { response } = await live.open({ token: firm.token, ...options });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'request.bad_last_event_id' });
  });
});

describe('what an open stream holds', () => {
  it('releases its subscription when the client disconnects', async () => {
    const live = await liveServer();
    const open = countSubscriptions(live.http);
    const firm = await live.http.givenFirm();
    const streams = await Promise.all([live.open({ token: firm.token }), live.open({ token: firm.token })]);
    await live.givenClient(firm);
    for (const stream of streams) await stream.next();
    expect(open.size).toBe(2);

    streams[0]!.close();
    await vi.waitFor(() => expect(open.size).toBe(1));
    streams[1]!.close();
    await vi.waitFor(() => expect(open.size).toBe(0));
  });

  it('admits a bounded number of streams per firm: 429 with Retry-After beyond it, a slot freed on disconnect', async () => {
    const live = await liveServer({ maxStreamsPerFirm: 2 });
    const a = await live.http.givenFirm('Firm A');
    const b = await live.http.givenFirm('Firm B');
    const first = await live.open({ token: a.token });
    await live.open({ token: a.token });

    const refused = await live.open({ token: a.token });
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.response.json()).toMatchObject({ type: 'live_updates.too_many_streams' });
    expect((await live.open({ token: b.token })).response.status).toBe(200);

    first.close();
    await vi.waitFor(async () => {
      const again = await live.open({ token: a.token });
      expect(again.response.status).toBe(200);
    });
  });
});

describe('the kinds of change', () => {
  it('cover every event the client list read model applies (its forgetting aside)', () => {
    const applied = clientListProjection.filter!.eventTypePrefixes!.filter((type) => type !== 'PersonalDataForgotten');
    expect([...changeKinds.keys()].sort()).toEqual([...applied].sort());
  });

  it('are documented in OpenAPI as a text/event-stream operation', async () => {
    const live = await liveServer();
    const document = (await live.http.call('GET', '/openapi.json')).body;
    const operation = document.paths['/client-list/events'].get;
    expect(operation.operationId).toBe('clientList.events');
    expect(Object.keys(operation.responses[200].content)).toEqual(['text/event-stream']);
    expect(document.components.schemas.ClientListChange.properties.kind.enum).toContain('member.logged_in');
  });
});
