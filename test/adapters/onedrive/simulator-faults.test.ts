import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator, type GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';
import { bodyOf, signedIn } from './simulator-support.js';

let sim: GraphSimulator;
let client: Client;
let noRetry: Client;
let token: string;
const graph = (path: string, init: RequestInit = {}) =>
  fetch(`${sim.url}/v1.0${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  sim = await startGraphSimulator();
  ({ client, token } = await signedIn(sim));
  ({ client: noRetry } = await signedIn(sim, 0));
  sim.personal.addFolder('/', 'Faulty');
  sim.personal.addFile('/Faulty', 'a.txt', 'a'.repeat(10_000));
});
afterEach(() => sim.faults.clear());
afterAll(() => sim.close());

describe('Graph simulator: fault injection', () => {
  it('answers 429 with Retry-After, which the Graph client honours and retries', async () => {
    const fault = sim.faults.add({ path: '/children', status: 429, retryAfter: 1 });
    sim.requests.reset();
    const started = Date.now();
    const page = await client.api('/me/drive/root:/Faulty:/children').get();
    expect(page.value).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fault.hits).toBe(1);
    expect(sim.requests.count('children')).toBe(2);
    expect(sim.requests.records.map((r) => r.status)).toEqual([429, 200]);
  });

  it('lets the first `skip` matching requests through before taking any', async () => {
    const fault = sim.faults.add({ method: 'GET', path: '/me/drive', status: 503, skip: 2 });
    expect((await graph('/me/drive')).status).toBe(200);
    expect((await graph('/me/drive')).status).toBe(200);
    expect(fault.hits).toBe(0);
    expect((await graph('/me/drive')).status).toBe(503);
    expect((await graph('/me/drive')).status).toBe(200);
    expect(fault.hits).toBe(1);
  });

  it.each([503, 504])('answers %i with Retry-After as many times as armed', async (status) => {
    sim.faults.add({ method: 'GET', path: '/me/drive', status, retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await graph('/me/drive');
      expect(response.status).toBe(status);
      expect(response.headers.get('retry-after')).toBe('7');
    }
    expect((await graph('/me/drive')).status).toBe(200);
  });

  it('answers 410 with a Location header, readable from the GraphError', async () => {
    const location = `${sim.url}/v1.0/me/drive/root/delta`;
    sim.faults.add({ path: /\/delta/, status: 410, location });
    const error = await noRetry.api('/me/drive/root/delta').get().catch((e: unknown) => e as Record<string, any>);
    expect(error).toMatchObject({ statusCode: 410, code: 'resyncRequired' });
    expect(error.headers.get('location')).toBe(location);
  });

  it('answers 401 and 507 as Graph errors', async () => {
    sim.faults.add({ path: '/me/drive', status: 401 });
    sim.faults.add({ path: ':/content', status: 507 });
    expect(await noRetry.api('/me/drive').get().catch((e: unknown) => e)).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    const upload = await noRetry.api('/me/drive/root:/Faulty/b.txt:/content').put(Buffer.from('b')).catch((e: unknown) => e);
    expect(upload).toMatchObject({ statusCode: 507, code: 'quotaLimitReached' });
    expect(() => sim.personal.resolve('/Faulty/b.txt')).toThrow();
  });

  it('resets the connection before the response', async () => {
    sim.faults.add({ path: '/children', reset: 'before-response' });
    await expect(graph('/me/drive/root:/Faulty:/children')).rejects.toThrow();
    expect((await graph('/me/drive/root:/Faulty:/children')).status).toBe(200);
  });

  it('resets the connection in the middle of a body (a page or a download)', async () => {
    sim.faults.add({ path: '/children', reset: 'mid-body' });
    const response = await graph('/me/drive/root:/Faulty:/children');
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const item = await bodyOf(await graph('/me/drive/root:/Faulty/a.txt'));
    sim.faults.add({ path: '/_download/', reset: 'mid-body' });
    const download = await fetch(item['@microsoft.graph.downloadUrl']);
    await expect(download.arrayBuffer()).rejects.toThrow();
    expect((await (await fetch(item['@microsoft.graph.downloadUrl'])).text()).length).toBe(10_000);
  });

  it('slows a response down without changing it', async () => {
    sim.faults.add({ path: '/me/drive', delayMs: 300 });
    const started = Date.now();
    const response = await graph('/me/drive');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('counts requests per route, Graph requests apart from downloads and the admin API', async () => {
    sim.requests.reset();
    await graph('/me/drive');
    await graph('/me/drive/root:/Faulty:/children');
    const item = await bodyOf(await graph('/me/drive/root:/Faulty/a.txt'));
    await fetch(item['@microsoft.graph.downloadUrl']);
    await fetch(`${sim.url}/_sim/requests`);
    expect(sim.requests.graph()).toBe(3);
    expect(sim.requests.byRoute()).toMatchObject({ drive: 1, children: 1, item: 1, download: 1, admin: 1 });
  });

  it('arms faults and edits the drive through the HTTP admin API', async () => {
    const admin = (path: string, body: unknown) =>
      fetch(`${sim.url}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    await admin('faults', { pathPattern: '/children$', status: 503, retryAfter: 2 });
    expect((await graph('/me/drive/root:/Faulty:/children')).status).toBe(503);
    const added = await admin('drives/me/add', { path: '/Faulty/added.txt', content: 'hello' });
    expect(added).toMatchObject({ name: 'added.txt', path: '/Faulty/added.txt', size: 5 });
    await admin('drives/me/rename', { path: '/Faulty/added.txt', name: 'renamed.txt' });
    await admin('drives/me/modify', { path: '/Faulty/renamed.txt', content: 'hello again' });
    expect(sim.personal.resolve('/Faulty/renamed.txt').content.toString()).toBe('hello again');
    await admin('drives/me/delete', { path: '/Faulty/renamed.txt' });
    expect(() => sim.personal.resolve('/Faulty/renamed.txt')).toThrow();
    const tree = (await (await fetch(`${sim.url}/_sim/drives/me/tree`)).json()) as Array<{ path: string }>;
    expect(tree.map((i) => i.path)).toEqual(['/', '/Faulty', '/Faulty/a.txt']);
    expect(await admin('login', { kind: 'work' })).toEqual({ loginAs: sim.work.username });
    await admin('login', { kind: 'personal' });
  });
});
