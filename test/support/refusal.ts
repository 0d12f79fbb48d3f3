import { expect } from 'vitest';
import { PortalError } from '../../src/core/errors.js';

/** Awaits a promise that must be refused with a typed error, and returns that error. */
export async function refusal(promise: Promise<unknown>): Promise<PortalError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal').toBeInstanceOf(PortalError);
  return error as PortalError;
}
