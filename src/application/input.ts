/**
 * What every application service checks before it reads or writes anything: who asks and what they
 * ask, against zod schemas. Malformed input is a ValidationError listing every issue, never a raw
 * TypeError from deeper down, and nothing has happened yet when it is thrown.
 */
import { z } from 'zod';
import { idOf } from '../core/limits.js';
import { parseCommand } from '../core/validate.js';

/** An id as the services take it: not empty, at most MAX_ID_LENGTH characters, no control characters. */
export const id = idOf();

const actorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('staff'), userId: id }),
  z.strictObject({ kind: z.literal('contact'), contactId: id }),
  z.strictObject({ kind: z.literal('system'), name: id }),
  z.strictObject({ kind: z.literal('platform'), operatorId: id }),
]);

/** The caller as the host's authentication hands it over (ids of the request optional). */
const callerInput = z.strictObject({
  caller: z.strictObject({
    tenantId: id,
    actor: actorSchema,
    correlationId: id.optional(),
    causationId: id.optional(),
    ifMatch: z.strictObject({ streamId: z.string().min(1).max(4096), revision: z.number().int().min(0) }).optional(),
  }),
});

/** Input of a service that takes none: nothing, or an empty object. */
export const noInput = z.strictObject({}).optional();

/** Parses a service's input (the caller is checked first), or throws a ValidationError. */
export function parseRequest<S extends z.ZodType>(caller: unknown, schema: S, input: unknown): z.output<S> {
  parseCommand(callerInput, { caller });
  return parseCommand(schema, input);
}

