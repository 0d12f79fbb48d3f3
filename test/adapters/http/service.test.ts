import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../adapters/http/config.js';
import { DEMO_PASSWORD } from '../../../adapters/http/demo.js';
import { startService, type RunningService } from '../../../adapters/http/service.js';

const running: RunningService[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function dataDir(): string {
  const folder = mkdtempSync(join(tmpdir(), 'portal-service-'));
  folders.push(folder);
  return folder;
}

async function start(env: Record<string, string>, argv: string[] = [], graceMs = 2000) {
  const lines: string[] = [];
  const service = await startService(parseConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env }, argv), { print: (l) => lines.push(l), graceMs });
  running.push(service);
  return { service, lines, text: lines.join('\n') };
}

describe('npm start', () => {
  it('prints the operator token and a curl that opens a firm on the first start only', async () => {
    const dir = dataDir();
    const first = await start({ PORTAL_DATA_DIR: dir });
    const token = /Platform operator token[^:]*: (cpo_\S+)/.exec(first.text)?.[1];
    expect(token).toBeDefined();
    expect(first.text).toContain(`${first.service.url}/docs`);
    expect(first.text).toContain(`Mail:        written as .eml files to ${join(dir, 'outbox')}`);
    const curl = first.lines.find((l) => l.includes('curl'))!;
    expect(curl).toContain(`Bearer ${token}`);
    const body = /-d '(.+)'$/.exec(curl)![1]!;
    const opened = await fetch(`${first.service.url}/firms`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(opened.status).toBe(201);
    await first.service.close();

    const second = await start({ PORTAL_DATA_DIR: dir });
    expect(second.text).not.toContain('cpo_');
    const again = await fetch(`${second.service.url}/firms/x`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(403); // the operator is still recognised (not a staff route)
  });

  it('takes the operator token from PORTAL_BOOTSTRAP_TOKEN and prints none', async () => {
    const token = 'f3c9a1d0'.repeat(8); // as `openssl rand -hex 32` makes it: no prefix of ours
    const { text, service } = await start({ PORTAL_DATA_DIR: dataDir(), PORTAL_BOOTSTRAP_TOKEN: token });
    expect(text).not.toContain('cpo_');
    const body = JSON.stringify({ name: 'Harbour', partnerAdmin: { name: 'Pat', email: 'pat@harbour.example' } });
    const opened = await fetch(`${service.url}/firms`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(opened.status).toBe(201);
  });

  it('is ready once the read models have caught up, and serves the docs page', async () => {
    const { service } = await start({ PORTAL_DATA_DIR: dataDir() });
    expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/ready`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${service.url}/docs`)).headers.get('content-type')).toContain('text/html');
  });

  it('--demo seeds clients in every state, with a staff token and a client login that work at once', async () => {
    const dir = dataDir();
    const { service, text } = await start({ PORTAL_DATA_DIR: dir }, ['--demo']);
    const staff = /staff token: +(cps_\S+)/.exec(text)![1]!;
    const firmId = /firm id: +(\S+)/.exec(text)![1]!;
    const email = /client login: +(\S+) \//.exec(text)![1]!;
    const list: any = await (await fetch(`${service.url}/client-list?limit=50`, { headers: { authorization: `Bearer ${staff}` } })).json();
    const archived: any = await (await fetch(`${service.url}/client-list?limit=50&archived=true`, { headers: { authorization: `Bearer ${staff}` } })).json();
    const members = list.items.flatMap((c: { members: unknown[] }) => c.members);
    const states = new Set(members.flatMap((m: { status: { state: string }; access: { state: string; toggle: string } }) => [m.status.state, `access:${m.access.state}`, `toggle:${m.access.toggle}`]));
    for (const state of ['not_invited', 'invited_just_now', 'waiting', 'expired', 'active', 'access:none', 'access:pending', 'access:active', 'access:closed', 'toggle:orange', 'toggle:green']) expect(states).toContain(state);
    // A withdrawn invitation reads as no invitation in the list.
    expect(members.find((m: { name: string }) => m.name === 'Colin Cancelled').statusText).toBe('Not invited');
    expect(archived.items.map((c: { name: string }) => c.name)).toEqual(['Arthur Archived']);
    const login = await fetch(`${service.url}/firms/${firmId}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginEmail: email, password: DEMO_PASSWORD }) });
    expect(login.status).toBe(200);
    const session = ((await login.json()) as any).session.token;
    const shared: any = await (await fetch(`${service.url}/me/documents`, { headers: { authorization: `Bearer ${session}` } })).json();
    expect(shared.map((d: { name: string }) => d.name)).toEqual(['2025 Tax Return.txt']);
    expect(readdirSync(join(dir, 'outbox')).some((f) => f.endsWith('.eml'))).toBe(true);
    await service.close();

    // A second demo start does not seed again.
    const again = await start({ PORTAL_DATA_DIR: dir }, ['--demo']);
    const token = /staff token: +(cps_\S+)/.exec(again.text)![1]!;
    const relisted: any = await (await fetch(`${again.service.url}/client-list?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(relisted.items).toHaveLength(list.items.length);
    expect((await fetch(`${again.service.url}/me`, { headers: { authorization: `Bearer ${staff}` } })).status).toBe(401);
  });
});

describe('stopping', () => {
  it('ends open live update streams at once instead of waiting the grace (they resume on reconnection)', async () => {
    const operator = 'cpo_' + 'b'.repeat(40);
    const { service } = await start({ PORTAL_DATA_DIR: dataDir(), PORTAL_BOOTSTRAP_TOKEN: operator }, [], 10_000);
    const body = JSON.stringify({ name: 'Harbour', partnerAdmin: { name: 'Pat', email: 'pat@harbour.example' } });
    const firm: any = await (await fetch(`${service.url}/firms`, { method: 'POST', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body })).json();
    const stream = await fetch(`${service.url}/client-list/events`, { headers: { authorization: `Bearer ${firm.apiToken}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read(); // the retry hint: the stream is open

    const started = performance.now();
    await service.close();
    expect(performance.now() - started).toBeLessThan(2_000); // the grace is 10 s
    let end = await reader.read();
    while (!end.done) end = await reader.read(); // ends, not cut: a cut would reject
  });
});

describe('the process', () => {
  const entry = join(import.meta.dirname, '../../../adapters/http/main.ts');
  const run = (env: Record<string, string>) =>
    spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

  it('names a bad variable in one line and exits 2', async () => {
    const child = run({ PORT: 'abc', PORTAL_BOOTSTRAP_TOKEN: 'short-secret' });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('PORT');
    expect(stderr).not.toContain('short-secret');
  });

  it('on SIGTERM finishes the request in flight, closes the store and exits 0', async () => {
    const child = run({ PORT: '0', PORTAL_DATA_DIR: dataDir() });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const url = await new Promise<string>((resolve) => {
      const look = () => {
        const found = /listening on (http:\/\/\S+)/.exec(stdout);
        if (found) resolve(found[1]!);
      };
      child.stdout.on('data', look);
    });
    // A request whose body is still arriving when the signal comes.
    let send!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (send = controller) });
    const inFlight = fetch(`${url}/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    send.enqueue(new TextEncoder().encode('{"contactId":"c-1",'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    send.enqueue(new TextEncoder().encode('"token":"t","password":"a long passphrase"}'));
    send.close();
    const answer = await inFlight;
    expect(answer.status).toBe(404); // carried out: no such invitation
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain('"msg":"stopped"');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 60_000);
});

describe('start-up failures', () => {
  const entry = join(import.meta.dirname, '../../../adapters/http/main.ts');
  async function failing(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    return { code, lines: stderr.trim().split('\n') };
  }

  it('names a port in use in one line', async () => {
    const { service } = await start({ PORTAL_DATA_DIR: dataDir() });
    const port = new URL(service.url).port;
    const { code, lines } = await failing({ PORT: port, PORTAL_DATA_DIR: dataDir() });
    expect(code).toBe(2);
    expect(lines).toEqual([`client-portal: PORT ${port} is already in use on 127.0.0.1; choose another PORT.`]);
  }, 60_000);

  it('names a data folder that cannot be used in one line', async () => {
    const file = join(dataDir(), 'a-file');
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'not a folder'));
    const { code, lines } = await failing({ PORT: '0', PORTAL_DATA_DIR: file });
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^client-portal: PORTAL_DATA_DIR .* cannot be used/);
  }, 60_000);

  it('refuses a host that is no address before starting', () => {
    expect(() => parseConfig({ HOST: '999.1.1.1' }, [])).toThrow(/HOST/);
  });
});
