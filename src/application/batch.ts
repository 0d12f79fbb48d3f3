import { PortalError } from '../core/errors.js';

/** An error as a per-item result of a batch carries it. */
export interface ItemError {
  code: string;
  message: string;
}

/**
 * Runs one item of a batch ("Save all changes", bulk invite): a typed refusal becomes that item's
 * result and the batch goes on; anything that is not a PortalError (a bug) still throws.
 */
export async function attempt<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ItemError }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!(error instanceof PortalError)) throw error;
    return { ok: false, error: { code: error.code, message: error.message } };
  }
}
