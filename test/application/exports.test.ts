import { describe, expect, it, vi } from 'vitest';
import { activationCsv } from '../../src/application/exports.js';
import { ValidationError } from '../../src/core/errors.js';
import { contactCaller, givenClient, givenFirm, testPortal } from '../support/portal.js';

async function* chunks(...texts: string[]): AsyncIterable<string> {
  yield* texts;
}

async function text(iterable: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of iterable) out += chunk;
  return out;
}

async function setup() {
  const test = testPortal();
  // Called on the test portal's own context, whose read models the spy replaces.
  const portal = { exports: { activationCsv: activationCsv.bind(null, test.ctx) } };
  const { tenantId, admin } = await givenFirm(test.ctx);
  const spy = vi.spyOn(test.readModels.exports, 'activationCsv').mockImplementation(() => chunks('Client\r\n', 'row\r\n'));
  return { test, portal, tenantId, admin, spy };
}

describe('exports.activationCsv', () => {
  it("streams the read model's CSV for the caller's firm, now, without a BOM by default", async () => {
    const { test, portal, tenantId, admin, spy } = await setup();
    expect(await text(await portal.exports.activationCsv(admin, {}))).toBe('Client\r\nrow\r\n');
    expect(spy).toHaveBeenCalledWith(tenantId, { bom: false, now: test.clock.now() });
  });

  it('passes an as-of instant with an offset on in UTC, and the BOM when asked', async () => {
    const { portal, tenantId, admin, spy } = await setup();
    await text(await portal.exports.activationCsv(admin, { asOf: '2026-01-15T10:00:00+01:00', bom: true }));
    expect(spy.mock.calls[0]![0]).toBe(tenantId);
    expect(spy.mock.calls[0]![1]).toMatchObject({ asOf: '2026-01-15T09:00:00.000Z', bom: true });
  });

  // Refusals come from the promise, before any text is asked for: an HTTP adapter can answer
  // 400/403 before it sends its headers.
  it('refuses an instant that is not an ISO date-time with an offset', async () => {
    const { portal, admin, spy } = await setup();
    for (const asOf of ['2026-01-15', 'yesterday', '2026-01-15T10:00:00']) {
      const error = await portal.exports.activationCsv(admin, { asOf }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('is refused to a client contact', async () => {
    const { test, portal, tenantId, admin, spy } = await setup();
    const { contactIds } = await givenClient(test.ctx, admin);
    const error = await portal.exports.activationCsv(contactCaller(tenantId, contactIds[0]!), {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'access.firm_only' });
    expect(spy).not.toHaveBeenCalled();
  });

  it('has read-your-writes done before it returns the stream', async () => {
    const { test, portal, admin, spy } = await setup();
    const views = vi.spyOn(test.ctx, 'views');
    const csv = await portal.exports.activationCsv(admin, {});
    expect(views).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await text(csv)).toBe('Client\r\nrow\r\n');
  });
});
