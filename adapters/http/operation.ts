/**
 * The JSON route of one application function: gather the input, check who calls, run the function,
 * answer with its result. The function's own zod schema validates the input, so a refusal reads the
 * same on the wire as in the library. Conditional writes (If-Match) and reads' ETags use the
 * resource's stream revision.
 */
import type { Context } from 'hono';
import type { Caller } from '../../src/application/context.js';
import { operationInputs, type OperationId } from '../../src/application/inputs.js';
import type { Portal } from '../../src/application/portal.js';
import { HttpProblem } from './problem.js';
import { jsonInput, queryInput, withPathParams, fieldsOf } from './request-input.js';
import type { Audience, RouteSpec } from './routes.js';

/** Functions that take no caller: the emailed link and the login. */
const callerless = new Set<OperationId>(['invitations.acceptInvitation', 'invitations.checkInvitationLink', 'access.logIn', 'access.requestPasswordReset', 'access.checkPasswordResetLink', 'access.resetPassword']);

export type AnyCaller = Omit<Caller, 'correlationId'>;

const audienceOf = (caller: AnyCaller): Audience =>
  caller.actor.kind === 'platform' ? 'platform' : caller.actor.kind === 'contact' ? 'contact' : 'staff';

/** Refuses a caller the route is not for: 401 without credentials, 403 for the wrong kind of caller. */
export function admit(spec: Pick<RouteSpec, 'audience'>, caller: AnyCaller | null): void {
  if (spec.audience.includes('public')) return;
  if (caller === null) throw new HttpProblem('auth.unauthenticated', 'Sign in first: send a bearer token or the session cookie.', 401, { 'www-authenticate': 'Bearer' });
  if (!spec.audience.includes(audienceOf(caller))) {
    throw new HttpProblem('auth.not_for_you', `This operation is for ${spec.audience.join(' or ')} callers.`, 403);
  }
}

/** The operation's input: path parameters plus the query (reads) or the JSON body (writes). */
export async function inputOf(c: Context, id: OperationId, spec: RouteSpec): Promise<Record<string, unknown>> {
  const schema = operationInputs[id];
  const fromRequest = spec.method === 'get' ? queryInput(c, schema) : await jsonInput(c);
  const input = withPathParams(fromRequest, c.req.param() as Record<string, string>);
  const key = c.req.header('idempotency-key');
  if (key !== undefined) {
    if (!('idempotencyKey' in fieldsOf(schema))) {
      throw new HttpProblem('request.idempotency_key_not_supported', 'Idempotency-Key is taken by creates only.', 400);
    }
    if (input.idempotencyKey !== undefined && input.idempotencyKey !== key) {
      throw new HttpProblem('request.parameter_mismatch', 'The Idempotency-Key header and the idempotencyKey field differ.', 400);
    }
    input.idempotencyKey = key;
  }
  return input;
}

/** `"7"` for revision 7: a strong validator of the resource's stream. */
export const etagOf = (revision: number) => `"${revision}"`;

/** The revision an If-Match header asks for (one strong ETag of ours), or undefined without one. */
export function ifMatchOf(c: Context): number | undefined {
  const header = c.req.header('if-match');
  if (header === undefined) return undefined;
  const match = /^\s*"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw new HttpProblem('request.bad_if_match', 'If-Match must be one ETag of this resource, e.g. "3".', 400);
  return Number(match[1]);
}

/** Calls the application function `area.name`. */
export function call(portal: Portal, id: OperationId, caller: Caller | null, input: unknown): Promise<any> {
  const [area, name] = id.split('.') as [keyof Portal, string];
  const fn = (portal[area] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!;
  return callerless.has(id) ? fn(input) : fn(caller, input);
}

/** The last revision of a stream, read before a read so its ETag is never newer than the body. */
export async function revisionOf(portal: Portal, streamId: string): Promise<number | null> {
  // Read raw: a revision needs no decoding, and decrypting the event on every read was wasted.
  const [last] = await portal.log.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  return last ? last.revision : null;
}
