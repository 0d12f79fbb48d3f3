import type { testHttp } from './support.js';

/** A JSON Schema as the OpenAPI document holds it (only the keywords the tests read). */
export type JsonSchema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

/** One operation of /openapi.json, in the shape the tests iterate over. */
export interface Operation {
  operationId: string;
  method: string;
  /** As documented, with `{name}` placeholders. */
  path: string;
  parameters: Parameter[];
  /** The first media type of the request body and its schema, or null without one. */
  body: { contentType: string; schema: JsonSchema } | null;
  /** Every media type the operation may answer with. */
  responseTypes: string[];
  /** The statuses it documents (a 5xx only where it is part of the contract, as /ready's 503). */
  statuses: number[];
  /** Security scheme names that let a caller in (empty: public). */
  security: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The service's own description of itself, as any client would fetch it. */
export async function openApiDocument(http: ReturnType<typeof testHttp>): Promise<any> {
  const answer = await http.call('GET', '/openapi.json');
  if (answer.status !== 200) throw new Error(`/openapi.json answered ${answer.status}`);
  return answer.body;
}

/** Every operation the document lists, $refs resolved against its components. */
export function operationsOf(document: any): Operation[] {
  const resolve = (node: any): any => {
    if (node && typeof node === 'object' && typeof node.$ref === 'string') {
      const target = node.$ref.replace(/^#\//, '').split('/').reduce((at: any, key: string) => at?.[key], document);
      return resolve(target);
    }
    return node;
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(resolve).map((p: any) => ({
        name: p.name,
        in: p.in,
        required: p.required === true,
        schema: resolveDeep(p.schema ?? {}, resolve),
      }));
      const bodyContent = resolve(operation.requestBody)?.content ?? {};
      const [contentType] = Object.keys(bodyContent);
      const responseTypes = Object.values<any>(operation.responses ?? {}).flatMap((r) => Object.keys(resolve(r)?.content ?? {}));
      operations.push({
        operationId: operation.operationId ?? `${method} ${path}`,
        method,
        path,
        parameters,
        body: contentType ? { contentType, schema: resolveDeep(bodyContent[contentType].schema ?? {}, resolve) } : null,
        responseTypes: [...new Set(responseTypes)],
        statuses: Object.keys(operation.responses ?? {}).map(Number),
        security: (operation.security ?? document.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s)),
      });
    }
  }
  return operations;
}

/** A schema with every nested $ref replaced by its target (the documents hold no recursive schemas). */
function resolveDeep(schema: JsonSchema, resolve: (node: any) => any, depth = 0): JsonSchema {
  if (depth > 20) return {};
  const node = resolve(schema);
  if (Array.isArray(node)) return node.map((n) => resolveDeep(n, resolve, depth + 1));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, typeof value === 'object' && value !== null ? resolveDeep(value, resolve, depth + 1) : value]));
}

/** Long-lived answers (server-sent events) that a request/response test cannot wait for. */
export const isEventStream = (operation: Operation) => operation.responseTypes.some((type) => type.startsWith('text/event-stream'));

export const pathParams = (operation: Operation) => operation.parameters.filter((p) => p.in === 'path');
export const queryParams = (operation: Operation) => operation.parameters.filter((p) => p.in === 'query');

/** The path with each `{name}` replaced by the (already encoded) segment given for it. */
export function fillPath(path: string, segments: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => segments[name] ?? '');
}

/** One plain valid value of a parameter's schema, as query text. */
function sampleOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return String(schema.enum[0]);
  const alternative = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (alternative) return sampleOf(alternative);
  if (schema.format === 'date-time') return '2026-01-15T09:00:00.000Z';
  if (schema.type === 'integer' || schema.type === 'number') return String(schema.minimum ?? 1);
  if (schema.type === 'boolean') return 'true';
  return 'x';
}

/** The query string with a plain valid value for each required query parameter ('' without any). */
export function requiredQuery(operation: Operation): string {
  const required = queryParams(operation).filter((p) => p.required);
  return required.length === 0 ? '' : `?${required.map((p) => `${p.name}=${encodeURIComponent(sampleOf(p.schema))}`).join('&')}`;
}

/** "GET /clients/{clientId} (clients.getClient)": how a test names an operation. */
export const describeOperation = (operation: Operation) => `${operation.method.toUpperCase()} ${operation.path} (${operation.operationId})`;
