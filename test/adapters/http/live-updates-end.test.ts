import { describe, expect, it, vi } from 'vitest';
import { countSubscriptions, liveServer, type TestHttp } from './live-support.js';

/**
 * Opens the stream with `app.request` and never reads it: a client that has stopped reading. The
 * response takes in the first chunk by itself, so the stream's write of the next change waits.
 */
async function unreadStream(http: TestHttp, token: string, signal?: AbortSignal) {
  const response = await http.app.request('/client-list/events', { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
  return response;
}

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
