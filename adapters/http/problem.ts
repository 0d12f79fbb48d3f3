/**
 * Errors on the wire: RFC 9457 `application/problem+json`, with `type` the stable domain code. Every
 * code maps to its status in the one table below; a code not in it is a refused domain rule (422).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { BlobRangeError } from '../../src/core/blob-store.js';
import { DomainError, NotFoundError, PortalError, ValidationError } from '../../src/core/errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** For validation: each issue's field path and what is wrong with it. */
  errors?: ReadonlyArray<{ path: string; message: string }>;
}

/** A refusal of the HTTP layer itself (authentication, media type, size, rate limit, bad JSON). */
export class HttpProblem extends PortalError {
  constructor(
    code: string,
    message: string,
    readonly status: ContentfulStatusCode,
    readonly headers: Record<string, string> = {},
    readonly errors?: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(code, message);
  }
}

const statusOfCode: Record<string, ContentfulStatusCode> = {
  'validation.failed': 400,
  'store.invalid_input': 400,
  'invitation.invalid_token': 400,
  'portal_access.invalid_credentials': 401,
  'access.firm_only': 403,
  'document.firm_only': 403,
  'document.firm_file_protected': 403,
  'document.not_yours': 403,
  'document.not_shared': 403,
  'document.not_a_contact': 403,
  'firm.platform_only': 403,
  'folder_link.sync_process_only': 403,
  'firm.not_staff': 403,
  'firm.not_partner_admin': 403,
  'firm.not_managing_partner_admin': 403,
  'personal_data.not_partner_admin': 403,
  'portal_access.not_open': 403,
  'portal_access.closed': 403,
  'portal_access.not_activated': 403,
  'store.wrong_expected_revision': 409,
  'store.duplicate_event_id': 409,
  'reservation.taken': 409,
  'client.already_exists': 409,
  'document.already_exists': 409,
  'firm.already_exists': 409,
  'firm.company_name_taken': 409,
  'firm.staff_already_added': 409,
  'firm.staff_email_taken': 409,
  'folder_link.folder_taken': 409,
  'document.drive_item_taken': 409,
  'client.duplicate_email': 409,
  'idempotency.key_reused': 409,
  'invitation.expired': 410,
  'request.precondition_failed': 412,
  'store.event_too_large': 413,
  'blob.too_large': 413,
  'blob.content_mismatch': 400,
  'blob.invalid_hash': 400,
  'blob.range_not_satisfiable': 416,
  'read_model.behind': 503,
  'store.unavailable': 503,
  'store.closed': 503,
  'credentials.closed': 503,
  'blob.invalid_input': 400,
};

/** The HTTP status of an error this library raised on purpose. */
export function statusOf(error: PortalError): ContentfulStatusCode {
  if (error instanceof HttpProblem) return error.status;
  if (error instanceof NotFoundError) return 404;
  // A rule of the domain refuses (422); any other error of ours not in the table is a fault (500).
  return statusOfCode[error.code] ?? (error instanceof DomainError ? 422 : 500);
}

const titles: Partial<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition failed',
  413: 'Too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Refused by a business rule',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

export function problemOf(error: PortalError): Problem {
  const status = statusOf(error);
  const issues = error instanceof ValidationError ? error.issues : error instanceof HttpProblem ? error.errors : undefined;
  return {
    type: error.code,
    title: titles[status] ?? 'Error',
    status,
    detail: error.message,
    ...(issues ? { errors: issues } : {}),
  };
}

/** The headers a problem carries: its own (HttpProblem), Retry-After when waiting helps, the size a range missed. */
export function problemHeadersOf(error: PortalError): Record<string, string> {
  if (error instanceof HttpProblem) return error.headers;
  if (error instanceof BlobRangeError) return { 'content-range': `bytes */${error.size}` };
  return error.code === 'read_model.behind' || error.code === 'store.unavailable' ? { 'retry-after': '1' } : {};
}

/** Writes a problem response; `headers` such as Retry-After ride along. */
export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
    ...headers,
  });
}

/** An unexpected failure: logged by the caller with its stack, shown as a bare 500 without internals. */
export const internalProblem: Problem = {
  type: 'internal',
  title: 'Internal error',
  status: 500,
  detail: 'Something went wrong on our side; the request may not have been carried out. Try again.',
};
