import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { countSubscriptions, liveServer, type LiveServer, type OpenStream, type TestHttp } from './live-support.js';

/**
 * Opens the stream with `app.request` and never reads it: a client that has stopped reading. The
 * response takes in the first chunk by itself, so the stream's write of the next change waits.
 */
async function unreadStream(http: TestHttp, token: string, signal?: AbortSignal): Promise<Response> {
  return await http.app.request('/client-list/events', { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
}

/** The stream's next message, or 'still open' when nothing comes (a heartbeat is not a message). */
const nextWithin = (stream: OpenStream, ms: number) => Promise.race([stream.next(), sleep(ms).then(() => 'still open' as const)]);

/** Whether the firm could open one more stream now (the stream opened to find out is closed again). */
async function slotFree(http: TestHttp, token: string): Promise<boolean> {
  const response = await http.app.request('/client-list/events', { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status === 200;
}

describe('HEAD on the live stream', () => {
  it("answers with the stream's headers and holds no slot or subscription", async () => {
    const live = await liveServer({ maxStreamsPerFirm: 2 });
    const open = countSubscriptions(live.http);
    const firm = await live.http.givenFirm();
    const headers = { authorization: `Bearer ${firm.token}` };

    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${live.base}/client-list/events`, { method: 'HEAD', headers });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/event-stream');
    }
    expect(open.size).toBe(0);
    const streams = [await live.open({ token: firm.token }), await live.open({ token: firm.token })];
    expect(streams.map((s) => s.response.status)).toEqual([200, 200]);
  });

  it('answers as GET would when the firm has no slot left (429) or the caller no access (401)', async () => {
    const live = await liveServer({ maxStreamsPerFirm: 1 });
    const firm = await live.http.givenFirm();
    await live.open({ token: firm.token });
    const head = (authorization: string) => fetch(`${live.base}/client-list/events`, { method: 'HEAD', headers: { authorization } });
    expect((await head(`Bearer ${firm.token}`)).status).toBe(429);
    expect((await head('Bearer cps_unknown')).status).toBe(401);
  });
});

describe('a stream whose client reads nothing', () => {
  it('still ends on its longest life, and frees its slot and subscription', async () => {
    const live = await liveServer({ maxStreamsPerFirm: 1, maxStreamMs: 200 });
    const http = live.http;
    const open = countSubscriptions(http);
    const firm = await http.givenFirm();
    expect((await unreadStream(http, firm.token)).status).toBe(200);
    await live.givenClient(firm); // a change to write, which waits for a reader
    expect(await slotFree(http, firm.token)).toBe(false);

    await vi.waitFor(async () => expect(await slotFree(http, firm.token)).toBe(true));
    expect(open.size).toBe(0);
  });

  it('ends when its client goes away, and frees its slot and subscription', async () => {
    const live = await liveServer({ maxStreamsPerFirm: 1 });
    const http = live.http;
    const open = countSubscriptions(http);
    const firm = await http.givenFirm();
    const client = new AbortController();
    expect((await unreadStream(http, firm.token, client.signal)).status).toBe(200);
    await live.givenClient(firm);
    expect(open.size).toBe(1);

    client.abort();
    await vi.waitFor(async () => expect(await slotFree(http, firm.token)).toBe(true));
    expect(open.size).toBe(0);
  });
});

describe('the host stopping', () => {
  it('ends every open stream at once, even one whose client reads nothing', async () => {
    const host = new AbortController();
    const live = await liveServer({}, { shutdown: host.signal });
    const open = countSubscriptions(live.http);
    const firm = await live.http.givenFirm();
    const reading = await live.open({ token: firm.token });
    await unreadStream(live.http, firm.token);
    await live.givenClient(firm);
    expect((await reading.next())?.event).toBe('client.created');
    expect(open.size).toBe(2);

    host.abort();
    expect(await nextWithin(reading, 2000)).toBeNull();
    await vi.waitFor(() => expect(open.size).toBe(0));
  });

  it('answers a new stream 503 with Retry-After: it is to reconnect to the next process', async () => {
    const host = new AbortController();
    const live = await liveServer({}, { shutdown: host.signal });
    const firm = await live.http.givenFirm();
    host.abort();
    const refused = await live.open({ token: firm.token });
    expect(refused.response.status).toBe(503);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.response.json()).toMatchObject({ type: 'live_updates.stopping' });
  });
});

describe('a stream whose caller is signed out', () => {
  /** Sam, a staff user of the firm, with an API token, and their stream open and receiving. */
  async function samStreaming(live: LiveServer) {
    const firm = await live.http.givenFirm();
    const added = await live.http.call('POST', `/firms/${firm.firmId}/staff`, {
      token: firm.token,
      body: { user: { userId: 'sam', name: 'Sam Staff', email: 'sam@harbour.example' }, role: 'staff' },
    });
    expect(added.status).toBe(201);
    const issued = await live.http.call('POST', '/staff-tokens', { token: firm.token, body: { userId: 'sam' } });
    const sam = issued.body as { token: string; tokenId: string };
    const stream = await live.open({ token: sam.token });
    expect(stream.response.status).toBe(200);
    await live.givenClient(firm);
    expect((await stream.next())?.event).toBe('client.created');
    return { firm, sam, stream };
  }

  it('ends, with no further message, once the staff user is removed', async () => {
    const live = await liveServer();
    const open = countSubscriptions(live.http);
    const { firm, stream } = await samStreaming(live);
    expect((await live.http.call('DELETE', `/firms/${firm.firmId}/staff/sam`, { token: firm.token })).status).toBe(200);

    await live.givenClient(firm);
    expect(await nextWithin(stream, 2000)).toBeNull();
    await vi.waitFor(() => expect(open.size).toBe(0));
  });

  it('ends, with no further message, once its token is revoked', async () => {
    const live = await liveServer();
    const { firm, sam, stream } = await samStreaming(live);
    expect((await live.http.call('DELETE', `/staff-tokens/${sam.tokenId}`, { token: firm.token })).status).toBe(204);

    await live.givenClient(firm);
    expect(await nextWithin(stream, 2000)).toBeNull();
  });

  it('ends at its next heartbeat while nothing changes', async () => {
    const live = await liveServer({ heartbeatMs: 20 });
    const { firm, stream } = await samStreaming(live);
    expect((await live.http.call('DELETE', `/firms/${firm.firmId}/staff/sam`, { token: firm.token })).status).toBe(200);
    expect(await nextWithin(stream, 2000)).toBeNull();
  });

  it('checks the credential once for a batch of messages, not once a message', async () => {
    const live = await liveServer();
    const firm = await live.http.givenFirm();
    for (let i = 0; i < 3; i++) await live.invite(firm, (await live.givenClient(firm)).clientId);
    const changes = await live.changesInLog(firm.firmId);
    expect(changes.length).toBeGreaterThanOrEqual(6);

    const checks = vi.spyOn(live.http.credentials, 'findStaffToken');
    const replay = await live.open({ token: firm.token, headers: { 'last-event-id': '0' } });
    for (const change of changes) expect((await replay.next())?.id).toBe(String(change.position));
    expect(checks.mock.calls.length).toBeLessThanOrEqual(2); // the stream's admission, and its one batch
  });
});
