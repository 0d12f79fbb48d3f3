/**
 * The input of an operation, gathered from the request: path parameters, then the JSON body (writes)
 * or the query string (reads). Query values are strings; they are turned into the numbers, booleans
 * and lists the operation's schema asks for, and anything else is left for the schema to refuse.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { HttpProblem } from './problem.js';

/** The zod type under optional/default/nullable wrappers. */
function inner(schema: z.ZodType): z.ZodType {
  let current: any = schema;
  while (current?._zod?.def && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'nonoptional'].includes(current._zod.def.type)) {
    current = current._zod.def.innerType;
  }
  return current;
}

/** The fields of an object schema (under wrappers), or none for other shapes. */
export function fieldsOf(schema: z.ZodType): Record<string, z.ZodType> {
  const object: any = inner(schema);
  return object?._zod?.def?.type === 'object' ? object._zod.def.shape : {};
}

function coerce(schema: z.ZodType | undefined, value: string): unknown {
  const type = (inner(schema as z.ZodType) as any)?._zod?.def?.type;
  if (type === 'number' || type === 'int') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** Query string → input: repeated keys (or a list field) become arrays, numbers and booleans are parsed. */
export function queryInput(c: Context, schema: z.ZodType): Record<string, unknown> {
  const fields = fieldsOf(schema);
  const input: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const field = fields[key];
    const isList = (inner(field as z.ZodType) as any)?._zod?.def?.type === 'array';
    if (isList) {
      const element = (inner(field as z.ZodType) as any)._zod.def.element;
      input[key] = values.flatMap((v) => v.split(',')).filter((v) => v !== '').map((v) => coerce(element, v));
    } else {
      if (values.length > 1) throw new HttpProblem('request.repeated_parameter', `The query parameter '${key}' is given more than once.`, 400);
      input[key] = coerce(field, values[0]!);
    }
  }
  return input;
}

const isJson = (type: string | undefined) => type !== undefined && /^application\/([\w.+-]+\+)?json\b/i.test(type);

/** The JSON object of a write's body; an empty body is an empty object. */
export async function jsonInput(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  if (!isJson(c.req.header('content-type'))) {
    throw new HttpProblem('request.unsupported_media_type', 'The request body must be JSON (Content-Type: application/json).', 415);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem('request.malformed_json', `The request body is not valid JSON: ${(error as Error).message}`, 400);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpProblem('request.body_not_object', 'The request body must be a JSON object.', 400);
  }
  return body as Record<string, unknown>;
}

/** Adds the path parameters; a body or query naming one of them differently is refused. */
export function withPathParams(input: Record<string, unknown>, params: Record<string, string>): Record<string, unknown> {
  for (const [key, value] of Object.entries(params)) {
    if (key in input && input[key] !== value) {
      throw new HttpProblem('request.parameter_mismatch', `'${key}' is given in the path and differently in the request.`, 400, {}, [
        { path: key, message: 'differs from the path parameter' },
      ]);
    }
  }
  return { ...input, ...params };
}

/**
 * Refuses a JSON body over `maxBytes` (413). A declared Content-Length is checked as it stands (the
 * HTTP parser holds the body to it); only a body sent without one is counted as it arrives. Hono's
 * bodyLimit alone would first turn @hono/node-server's light request into a full web Request, a
 * cost every request paid.
 */
export function jsonBodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => new HttpProblem('request.too_large', `The request body is larger than ${maxBytes} bytes.`, 413);
  const counted = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    if (Number(length) > maxBytes) throw tooLarge();
    return next();
  };
}

/** The address and user agent of a login, download or view come from the request itself, never its body. */
export function refuseRequestFacts(body: Record<string, unknown>): Record<string, unknown> {
  for (const field of ['ipAddress', 'userAgent'] as const) {
    if (field in body) {
      throw new HttpProblem('request.field_not_allowed', `'${field}' is taken from the request itself, not from its body.`, 400, {}, [
        { path: field, message: 'not allowed in the body' },
      ]);
    }
  }
  return body;
}
