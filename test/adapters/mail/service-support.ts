import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { linkIn } from '../../support/mail.js';
import type { ReceivedMail } from '../../support/smtp.js';

const root = join(import.meta.dirname, '../../..');

/** A port free on 127.0.0.1 now (the service needs it before starting, for the links in its emails). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServiceProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * The service in a process of its own: `npm start` itself, or (to SIGKILL the very process that
 * sends) the node command `npm start` runs. Listens on 127.0.0.1.
 */
export async function startServiceProcess(env: Record<string, string>, how: 'npm start' | 'node' = 'node'): Promise<ServiceProcess> {
  const entry = join(root, 'adapters/http/main.ts');
  const child =
    how === 'npm start'
      ? spawn('npm', ['start', '--silent'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env }, detached: true })
      : spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env }, detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The service did not start:\n${output}`)), 30_000);
    const look = () => {
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout.on('data', look);
    child.once('exit', () => reject(new Error(`The service exited:\n${output}`)));
  });
  // The whole process group: npm and the node it runs.
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, name);
    await exited;
  };
  return { url, child, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

export async function call(url: string, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** Opens a firm as the platform operator; returns its id and its partner admin's API token. */
export async function openFirm(url: string, operator: string, name = 'Harbour Accountants') {
  const opened = await call(url, 'POST', '/firms', { token: operator, body: { name, partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } } });
  if (opened.status !== 201) throw new Error(`POST /firms: ${opened.status} ${JSON.stringify(opened.body)}`);
  return { firmId: opened.body.firmId as string, token: opened.body.apiToken as string };
}

/** `count` individual clients, created `parallel` at a time; the owner of client i is client-i@mail.example. */
export async function newClients(url: string, token: string, count: number, parallel = 8) {
  const clients: Array<{ clientId: string; contactId: string; email: string }> = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const email = `client-${i}@mail.example`;
      const created = await call(url, 'POST', '/clients', { token, body: { kind: 'individual', owners: [{ name: `Client ${i}`, emails: [email] }] } });
      if (created.status !== 201) throw new Error(`POST /clients: ${created.status} ${JSON.stringify(created.body)}`);
      clients[i] = { clientId: created.body.clientId, contactId: created.body.ownerIds[0], email };
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return clients;
}

/** The activation link of a received email. */
export const linkOf = (mail: ReceivedMail) => linkIn(mail.text ?? '');

export const OPERATOR_TOKEN = 'a1b2c3d4'.repeat(8);
