import { z } from 'zod';
import { ValidationError } from './errors.js';
import { kindOf } from './limits.js';

const typeNames: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'an object',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  record: 'an object',
};

const formatNames: Record<string, string> = { email: 'an email address', datetime: 'an ISO date and time', url: 'a web address', regex: 'the expected format' };

const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * Messages that name the real problem, for the issues a schema gives no message of its own:
 * "expected a list, got a string" rather than zod's "expected string to have <=10 characters".
 */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${typeNames[issue.expected] ?? issue.expected}, got ${kindOf(issue.input)}`;
    case 'too_big': {
      const { maximum, origin } = issue;
      if (origin === 'string') return `at most ${maximum} characters`;
      if (origin === 'array' || origin === 'set') return `at most ${maximum} items`;
      return `at most ${maximum}`;
    }
    case 'too_small': {
      const { minimum, origin } = issue;
      if (origin === 'string') return Number(minimum) <= 1 ? 'cannot be empty' : `at least ${minimum} characters`;
      if (origin === 'array' || origin === 'set') return Number(minimum) <= 1 ? 'cannot be an empty list' : `at least ${minimum} items`;
      return `at least ${minimum}`;
    }
    case 'invalid_format':
      return `expected ${formatNames[issue.format] ?? issue.format}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${quoted(issue.values)}` : `expected one of ${quoted(issue.values)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      return options ? `expected one of ${quoted(options)}` : 'does not match any accepted form';
    }
    case 'invalid_key':
      return 'has a field name that is not accepted';
  }
  return undefined;
}

type Issue = { path: string; message: string };

/** One issue per unknown key (naming it), and only the type failure where a value has the wrong type. */
function issuesOf(error: z.ZodError): Issue[] {
  const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.');
  const wrongType = new Set(error.issues.filter((i) => i.code === 'invalid_type').map((i) => pathOf(i.path)));
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const path = pathOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: pathOf([...issue.path, key]), message: 'is not a field this call takes' });
    } else if (issue.code === 'invalid_type' || !wrongType.has(path)) {
      // Zod runs length checks even on a value of the wrong type ("expected string to have <=10 characters").
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** Parses a command's data with its schema, or throws a ValidationError listing every issue. */
export function parseCommand<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data, { error: describeIssue });
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new ValidationError(`Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, issues);
}

/** The schema of one command `{ type, data }`, for a `z.discriminatedUnion('type', [...])` of an aggregate's commands. */
export function commandSchema<T extends string, S extends z.ZodType>(type: T, data: S) {
  return z.strictObject({ type: z.literal(type), data });
}
