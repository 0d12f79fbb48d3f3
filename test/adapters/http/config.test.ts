import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../adapters/http/config.js';

const token = 'a'.repeat(32);

/** The one line a refusal gives. */
function refusal(env: Record<string, string>, argv: string[] = []): string {
  try {
    parseConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`accepted ${JSON.stringify(env)} ${argv.join(' ')}`);
}

describe('the service configuration', () => {
  it('has a default for every variable', () => {
    expect(parseConfig({}, [])).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      publicUrl: 'http://127.0.0.1:3000',
      eventStoreUrl: undefined,
      smtpUrl: undefined,
      mailFrom: 'Client portal <no-reply@localhost>',
      tokenKey: undefined,
      bootstrapToken: undefined,
      logLevel: 'info',
      secureCookies: false,
      demo: false,
    });
  });

  it('takes every variable and --demo', () => {
    const config = parseConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        PORTAL_DATA_DIR: '/var/lib/portal',
        PORTAL_PUBLIC_URL: 'https://portal.example.com/',
        EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
        SMTP_URL: 'smtps://mailer:pw@mail.example.com:465',
        MAIL_FROM: 'Harbour Portal <portal@harbour.example>',
        PORTAL_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64'),
        PORTAL_BOOTSTRAP_TOKEN: token,
        LOG_LEVEL: 'debug',
      },
      ['--demo'],
    );
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/portal',
      publicUrl: 'https://portal.example.com',
      eventStoreUrl: 'esdb://localhost:2113?tls=false',
      smtpUrl: 'smtps://mailer:pw@mail.example.com:465',
      mailFrom: 'Harbour Portal <portal@harbour.example>',
      tokenKey: Buffer.alloc(32, 7),
      bootstrapToken: token,
      logLevel: 'debug',
      secureCookies: true,
      demo: true,
    });
  });

  it('takes a Graph simulator on loopback for OneDrive, and nothing else in its place', () => {
    const oneDrive = { ONEDRIVE_CLIENT_ID: '00000000-1111-2222-3333-444444444444', ONEDRIVE_CLIENT_SECRET: 's', ONEDRIVE_CACHE_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(parseConfig({ ...oneDrive, ONEDRIVE_SIMULATOR_URL: 'http://127.0.0.1:4010' }, []).oneDrive).toMatchObject({ simulatorUrl: 'http://127.0.0.1:4010' });
    expect(parseConfig(oneDrive, []).oneDrive).not.toHaveProperty('simulatorUrl');
    expect(refusal({ ...oneDrive, ONEDRIVE_SIMULATOR_URL: 'https://graph.example.com' })).toContain('ONEDRIVE_SIMULATOR_URL');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PORT: '', HOST: '', EVENTSTORE_URL: '', LOG_LEVEL: '' }, [])).toEqual(parseConfig({}, []));
  });

  it('builds the public URL from HOST and PORT, bracketing an IPv6 address', () => {
    expect(parseConfig({ HOST: 'localhost', PORT: '8080' }, []).publicUrl).toBe('http://localhost:8080');
    expect(parseConfig({ HOST: '::1' }, []).publicUrl).toBe('http://[::1]:3000');
  });

  it('keeps a path in the public URL, without its trailing slash, and lower-cases scheme and host', () => {
    expect(parseConfig({ PORTAL_PUBLIC_URL: 'HTTPS://Portal.Example/clients/' }, []).publicUrl).toBe('https://portal.example/clients');
  });

  it('uses secure cookies when the public URL is https, unless PORTAL_SECURE_COOKIES says otherwise', () => {
    expect(parseConfig({ PORTAL_PUBLIC_URL: 'http://portal.example' }, []).secureCookies).toBe(false);
    expect(parseConfig({ PORTAL_PUBLIC_URL: 'https://portal.example' }, []).secureCookies).toBe(true);
    expect(parseConfig({ PORTAL_PUBLIC_URL: 'https://portal.example', PORTAL_SECURE_COOKIES: 'false' }, []).secureCookies).toBe(false);
    expect(parseConfig({ PORTAL_SECURE_COOKIES: '1' }, []).secureCookies).toBe(true);
  });

  it('accepts every pino level', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(parseConfig({ LOG_LEVEL: level }, []).logLevel).toBe(level);
    }
  });

  it('accepts an smtp:// URL and an esdb+discover:// connection string', () => {
    expect(parseConfig({ SMTP_URL: 'smtp://localhost:1025' }, []).smtpUrl).toBe('smtp://localhost:1025');
    expect(parseConfig({ EVENTSTORE_URL: 'esdb+discover://cluster.example:2113' }, []).eventStoreUrl).toBe('esdb+discover://cluster.example:2113');
  });
});

describe('a variable that cannot be used', () => {
  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['a port that is not a number', { PORT: 'http' }, /^PORT must be a port number from 0 to 65535 \(got "http"\)\.$/],
    ['a port above 65535', { PORT: '70000' }, /^PORT must be a port number/],
    ['a negative port', { PORT: '-1' }, /^PORT must be a port number/],
    ['a host with a space', { HOST: 'my host' }, /^HOST must be a host name or an IP address .*\(got "my host"\)\.$/],
    ['a host given as a URL', { HOST: 'http://localhost' }, /^HOST must be a host name/],
    ['a data folder with a control character', { PORTAL_DATA_DIR: 'data\nx' }, /^PORTAL_DATA_DIR must be a folder path without control characters \(got "data\\nx"\)\.$/],
    ['a public URL that is not a URL', { PORTAL_PUBLIC_URL: 'portal.example' }, /^PORTAL_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/],
    ['a public URL of another scheme', { PORTAL_PUBLIC_URL: 'ftp://portal.example' }, /^PORTAL_PUBLIC_URL must be/],
    ['a public URL with a query', { PORTAL_PUBLIC_URL: 'https://portal.example/?a=1' }, /^PORTAL_PUBLIC_URL must be/],
    ['an EventStoreDB URL of another scheme', { EVENTSTORE_URL: 'https://esdb.example:2113' }, /^EVENTSTORE_URL must be an EventStoreDB connection string starting with esdb:\/\/ or esdb\+discover:\/\/\.$/],
    ['an SMTP URL of another scheme', { SMTP_URL: 'http://mail.example' }, /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL with a host/],
    ['an SMTP URL without a host', { SMTP_URL: 'smtp://' }, /^SMTP_URL must be/],
    ['a short bootstrap token', { PORTAL_BOOTSTRAP_TOKEN: 'changeme' }, /^PORTAL_BOOTSTRAP_TOKEN must be at least 32 printable characters without spaces/],
    ['a bootstrap token with a space', { PORTAL_BOOTSTRAP_TOKEN: `${token} ${token}` }, /^PORTAL_BOOTSTRAP_TOKEN must be/],
    ['an unknown log level', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)\.$/],
    ['a sender that is no address', { MAIL_FROM: 'Harbour Portal' }, /^MAIL_FROM must be an email address or "Name <address>"/],
    ['a sender with a line break', { MAIL_FROM: 'Harbour\r\nBcc: x@evil.example <p@harbour.example>' }, /^MAIL_FROM must be/],
    ['a token key shorter than 32 bytes', { PORTAL_TOKEN_KEY: Buffer.alloc(16).toString('base64') }, /^PORTAL_TOKEN_KEY must be base64 text of at least 32 bytes/],
    ['a secure-cookies value that is not true or false', { PORTAL_SECURE_COOKIES: 'yes' }, /^PORTAL_SECURE_COOKIES must be true or false \(got "yes"\)\.$/],
  ];
  it.each(refusals)('refuses %s in one line naming it', (_label, env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  it('never repeats the value of a variable that may hold a secret', () => {
    const secrets = {
      SMTP_URL: 'http://mailer:hunter2-smtp@mail.example',
      EVENTSTORE_URL: 'tcp://admin:hunter2-esdb@esdb.example',
      PORTAL_BOOTSTRAP_TOKEN: 'hunter2 token',
      PORTAL_TOKEN_KEY: 'hunter2',
    };
    const message = refusal(secrets);
    expect(message).toMatch(/^EVENTSTORE_URL .*; SMTP_URL .*; PORTAL_TOKEN_KEY .*; PORTAL_BOOTSTRAP_TOKEN .*\.$/);
    expect(message).not.toContain('hunter2');
  });

  it('names every bad variable in the one line, each once', () => {
    expect(refusal({ PORT: 'x', LOG_LEVEL: 'loud' })).toBe(
      'PORT must be a port number from 0 to 65535 (got "x"); LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud").',
    );
  });

  it('refuses an unknown option or an argument', () => {
    expect(refusal({}, ['--dmeo'])).toBe("Unknown option '--dmeo'; the only option is --demo.");
    expect(refusal({}, ['demo'])).toMatch(/^Unexpected argument 'demo'/);
  });
});
