import { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses a command's data with its schema, or throws a ValidationError listing every issue. */
export function parseCommand<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  throw new ValidationError(`Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, issues);
}

/** The schema of one command `{ type, data }`, for a `z.discriminatedUnion('type', [...])` of an aggregate's commands. */
export function commandSchema<T extends string, S extends z.ZodType>(type: T, data: S) {
  return z.object({ type: z.literal(type), data });
}
