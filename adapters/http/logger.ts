import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** pino's levels, quietest last; `silent` logs nothing. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  level: LogLevel;
  /** Where the JSON lines go (default stdout); tests pass a stream to read them back. */
  destination?: DestinationStream;
}

const CENSOR = '[redacted]';

/** Keys whose values are secrets wherever they sit, up to three levels deep (pino's redaction has no "any depth"). */
const secretKeys = ['password', 'token', 'bootstrapToken', 'authorization', 'cookie', '["set-cookie"]', 'smtpUrl', 'eventStoreUrl'];

const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...secretKeys.flatMap((key) => [key, `*${dot(key)}`, `*.*${dot(key)}`]),
  // Request and response bodies hold passwords and personal data.
  'body',
  '*.body',
];

function dot(key: string): string {
  return key.startsWith('[') ? key : `.${key}`;
}

/** Query parameters whose values must not reach a log line (the activation link carries the raw token). */
const secretParams = /([?&](?:token|password|code)=)[^&#]*/gi;

/** The URL with the values of secret query parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(secretParams, `$1${CENSOR}`);
}

/** A request logged as `{ req }` keeps its URL, without the secrets in its query string. */
function requestSerializer(req: unknown): unknown {
  if (typeof req !== 'object' || req === null || !('url' in req) || typeof req.url !== 'string') return req;
  return { ...req, url: redactUrl(req.url) };
}

/** The service's JSON logger: secrets (credentials, cookies, tokens, bodies) are censored before a line is written. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: CENSOR },
      serializers: {
        err: pino.stdSerializers.err,
        req: requestSerializer,
        url: (url: unknown) => (typeof url === 'string' ? redactUrl(url) : url),
      },
    },
    options.destination ?? pino.destination(1),
  );
}
