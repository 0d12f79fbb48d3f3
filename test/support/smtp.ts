import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message the server accepted (answered 250 to), parsed by mailparser. */
export interface ReceivedMail extends ParsedMail {
  /** MAIL FROM and RCPT TO as the server saw them: who the message was really sent to. */
  envelope: { from: string; to: string[] };
  /** True when the session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
  /** The user the client logged in as, when it did. */
  user?: string;
  /** The message exactly as received. */
  raw: Buffer;
}

export interface SmtpServerOptions {
  /** Answer the first N attempts with 451 (a temporary failure), at RCPT TO (default) or at the end of DATA. */
  rejectFirst?: number;
  rejectAt?: 'rcpt' | 'data';
  /** Destroy the socket in the middle of DATA (before the 250 reply) for the first N messages. */
  dropFirst?: number;
  /** Recipients refused for good, with 550. */
  rejectRecipients?: (address: string) => boolean;
  /** Require these credentials (AUTH PLAIN/LOGIN); the URL carries them. */
  auth?: { user: string; pass: string };
  /** 'starttls' (default): STARTTLS offered; 'implicit': TLS from the first byte (smtps://); 'none': plain text only. */
  tls?: 'starttls' | 'implicit' | 'none';
  onMessage?: (mail: ReceivedMail) => void;
  /** Listen on this port (default: a free one). */
  port?: number;
}

export interface SmtpTestServer {
  /** A nodemailer connection URL for this server, credentials included when `auth` was given. */
  url: string;
  port: number;
  /** The certificate the server presents, to give the client as its CA. */
  ca: string;
  /** Accepted messages, in the order they were accepted. */
  readonly received: ReceivedMail[];
  /** TCP connections opened to the server so far. */
  readonly connections: number;
  /** Resolves once `count` messages were accepted; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** An SMTP server on a free loopback port that accepts mail and keeps it, parsed, for assertions. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpTestServer> {
  const mode = options.tls ?? 'starttls';
  const { key, cert } = testCertificate();
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  // The raw TCP sockets by the client's port, so a test can cut a connection (the TLS socket too).
  const sockets = new Map<number, Socket>();
  let connections = 0;
  let rcptAttempts = 0;
  let dataAttempts = 0;

  const serverOptions: SMTPServerOptions = {
    secure: mode === 'implicit',
    key,
    cert,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 100,
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    disabledCommands: [...(mode === 'none' ? ['STARTTLS'] : []), ...(options.auth === undefined ? ['AUTH'] : [])],
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) callback(null, { user: auth.username });
      else callback(smtpError('Invalid username or password', 535));
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.(address.address)) return callback(smtpError('Mailbox unavailable', 550));
      if ((options.rejectAt ?? 'rcpt') === 'rcpt' && ++rcptAttempts <= (options.rejectFirst ?? 0)) return callback(smtpError('Try again later', 451));
      callback();
    },
    onData(stream, session, callback) {
      dataAttempts += 1;
      if (dataAttempts <= (options.dropFirst ?? 0)) {
        // Cut the connection once data flows: the client never gets its 250.
        stream.once('data', () => sockets.get(session.remotePort)?.destroy());
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (options.rejectAt === 'data' && dataAttempts <= (options.rejectFirst ?? 0)) return callback(smtpError('Try again later', 451));
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const envelope = session.envelope;
            const mail: ReceivedMail = Object.assign(parsed, {
              envelope: { from: envelope.mailFrom === false ? '' : envelope.mailFrom.address, to: envelope.rcptTo.map((r) => r.address) },
              secure: session.secure,
              user: typeof session.user === 'string' ? session.user : undefined,
              raw,
            });
            received.push(mail);
            options.onMessage?.(mail);
            for (const wake of waiters) wake();
            callback(null);
          },
          (error: Error) => callback(error),
        );
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });
  server.on('error', () => undefined); // a client cut off mid-command is expected in fault tests
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('The SMTP server has no TCP address.');
  const port = address.port;
  const credentials = options.auth === undefined ? '' : `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`;

  return {
    url: `${mode === 'implicit' ? 'smtps' : 'smtp'}://${credentials}127.0.0.1:${port}`,
    port,
    ca: cert,
    received,
    get connections() {
      return connections;
    },
    waitFor(count, timeoutMs = 5_000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Expected ${count} messages within ${timeoutMs} ms, received ${received.length}.`));
        }, timeoutMs);
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close() {
      for (const socket of sockets.values()) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function smtpError(message: string, responseCode: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

let certificate: { key: string; cert: string } | undefined;

/** A throwaway self-signed certificate for 127.0.0.1 and localhost, made once per test file. */
export function testCertificate(): { key: string; cert: string } {
  if (certificate !== undefined) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'smtp-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    certificate = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
