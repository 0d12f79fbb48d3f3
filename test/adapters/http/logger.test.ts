import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, type LogLevel } from '../../../adapters/http/logger.js';

/** A logger writing into an array, one parsed JSON object per line. */
function capture(level: LogLevel = 'info') {
  const text: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void text.push(line) } });
  return { logger, output: () => text.join(''), lines: () => text.join('').trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

const secrets = {
  authorization: 'Bearer secret-bearer-1',
  cookie: 'portal_session=secret-cookie-2',
  setCookie: 'portal_session=secret-set-cookie-3; HttpOnly',
  password: 'secret-password-4',
  token: 'secret-token-5',
  nestedToken: 'secret-token-6',
  body: 'secret-body-7',
  queryToken: 'secret-query-8',
  bootstrap: 'secret-bootstrap-9',
  smtp: 'smtp://mailer:secret-smtp-10@mail.example',
};

describe('the service logger', () => {
  it('writes one JSON object per line, with level, ISO time and message', () => {
    const { logger, lines } = capture();
    logger.info({ port: 3000 }, 'listening');
    const [line] = lines();
    expect(line).toMatchObject({ level: 30, msg: 'listening', port: 3000 });
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('logs nothing below its level', () => {
    const { logger, output } = capture('warn');
    logger.info('not written');
    logger.debug('not written');
    expect(output()).toBe('');
  });

  it('never writes a secret: credentials, cookies, passwords, tokens, bodies, the query token', () => {
    const { logger, output, lines } = capture('trace');
    logger.info(
      {
        req: {
          method: 'POST',
          url: `/activate?contactId=c-1&token=${secrets.queryToken}`,
          headers: { authorization: secrets.authorization, cookie: secrets.cookie, 'user-agent': 'test' },
          body: secrets.body,
        },
        res: { statusCode: 303, headers: { 'set-cookie': secrets.setCookie } },
      },
      'request',
    );
    logger.warn({ password: secrets.password, token: secrets.token }, 'top level');
    logger.error({ invitation: { contactId: 'c-1', token: secrets.nestedToken }, body: secrets.body }, 'nested');
    logger.info({ config: { port: 3000, bootstrapToken: secrets.bootstrap, smtpUrl: secrets.smtp } }, 'configured');
    logger.child({ token: secrets.token }).info('child bindings');
    logger.debug({ url: `/activate?token=${secrets.queryToken}&contactId=c-1` }, 'url');

    const written = output();
    for (const secret of Object.values(secrets)) expect(written).not.toContain(secret);
    expect(written).not.toContain('secret-');
    // What is not secret stays readable.
    const [request, , , configured] = lines();
    expect(request.req).toMatchObject({ method: 'POST', url: '/activate?contactId=c-1&token=[redacted]', headers: { 'user-agent': 'test' } });
    expect(request.res.statusCode).toBe(303);
    expect(configured.config.port).toBe(3000);
    expect(lines()).toHaveLength(6);
  });
});

describe('redactUrl', () => {
  it('hides the values of token, password and code parameters, and keeps the rest', () => {
    expect(redactUrl('/activate?contactId=c%201&token=abc&x=1')).toBe('/activate?contactId=c%201&token=[redacted]&x=1');
    expect(redactUrl('/cb?CODE=xyz#frag')).toBe('/cb?CODE=[redacted]#frag');
    expect(redactUrl('/login?password=p')).toBe('/login?password=[redacted]');
    expect(redactUrl('/tokens?mytoken=keep')).toBe('/tokens?mytoken=keep');
  });
});
