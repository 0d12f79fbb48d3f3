/** A Graph error the routes answer as `{ error: { code, message, innerError } }` with its status. */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Item') => new GraphFault(404, 'itemNotFound', `${what} not found`);
export const nameExists = () =>
  new GraphFault(409, 'nameAlreadyExists', 'The specified item name already exists.');
export const invalidRequest = (message: string) => new GraphFault(400, 'invalidRequest', message);
export const preconditionFailed = () =>
  new GraphFault(412, 'preconditionFailed', 'The resource has changed since the caller last read it; usually an eTag mismatch.');
export const quotaReached = () =>
  new GraphFault(507, 'quotaLimitReached', 'Insufficient Space Available');
