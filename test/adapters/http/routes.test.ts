import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../adapters/http/routes.js';
import { operationInputs } from '../../../src/application/inputs.js';
import { testHttp } from './support.js';

/** `area.name` of every function createPortal returns, found at run time. */
function portalFunctions(portal: object): string[] {
  return Object.entries(portal)
    .filter(([area]) => area !== 'log')
    .flatMap(([area, fns]) => Object.keys(fns as object).map((name) => `${area}.${name}`))
    .sort();
}

describe('one route per application function', () => {
  const http = testHttp();

  it('has a route and an input schema for every function of createPortal, and no other', () => {
    const functions = portalFunctions(http.portal);
    expect(Object.keys(routes).sort()).toEqual(functions);
    expect(Object.keys(operationInputs).sort()).toEqual(functions);
  });

  it('documents each function once in /openapi.json, its operationId the function name', async () => {
    const { body } = await http.call('GET', '/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    const ids = Object.values(body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((path) =>
      Object.values(path).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const fn of portalFunctions(http.portal)) expect(ids).toContain(fn);
  });

  it('names path parameters after the input fields they carry', () => {
    for (const [id, spec] of Object.entries(routes)) {
      const def = (operationInputs as Record<string, any>)[id]._zod.def;
      const object = def.type === 'optional' ? def.innerType._zod.def : def;
      // A union (e.g. an upload's outcome): every option carries the parameter.
      const shapes = object.type === 'union' ? object.options.map((o: any) => o._zod.def.shape) : [object.shape ?? {}];
      const fields = Object.keys(Object.assign({}, ...shapes));
      for (const [, param] of spec.path.matchAll(/\{(\w+)\}/g)) expect(fields, `${id} ${spec.path}`).toContain(param);
    }
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const { body } = await http.call('GET', '/openapi.json');
    const result = await new Validator().validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('marks every path parameter required, also where the input may leave the field out', async () => {
    const { body } = await http.call('GET', '/openapi.json');
    const firm = body.paths['/firms/{firmId}'].get;
    expect(firm.parameters.find((p: { name: string }) => p.name === 'firmId').required).toBe(true);
  });

  it('describes the sign-in answers with their session, and the probes', async () => {
    const { body } = await http.call('GET', '/openapi.json');
    const login = body.paths['/firms/{tenantId}/login'].post;
    expect(JSON.stringify(login.responses['200'])).toContain('#/components/schemas/Session');
    expect(JSON.stringify(login.requestBody)).not.toContain('ipAddress');
    expect(Object.keys(body.paths['/invitations/accept'].post.responses)).toContain('410');
    expect(body.paths['/health'].get.operationId).toBe('service.health');
    expect(Object.keys(body.paths['/ready'].get.responses)).toEqual(['200', '503']);
  });

  it('describes every error answer and both security schemes', async () => {
    const { body } = await http.call('GET', '/openapi.json');
    expect(Object.keys(body.components.securitySchemes).sort()).toEqual(['bearer', 'session']);
    const createClient = body.paths['/clients'].post;
    expect(Object.keys(createClient.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409', '422']));
    expect(createClient.responses['400'].content['application/problem+json']).toBeDefined();
    expect(createClient.requestBody.content['application/json'].schema.properties.owners.maxItems).toBe(20);
  });
});
