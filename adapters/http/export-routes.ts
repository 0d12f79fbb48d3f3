/**
 * The activation CSV as a download. The export refuses (bad input, not the firm) before any text,
 * and the first chunk is read before the headers go out, so any refusal is an ordinary problem
 * response; after that the text streams, and a failure can only cut the response short (logged).
 */
import type { Logger } from 'pino';
import { operationInputs } from '../../src/application/inputs.js';
import type { RouteContext } from './app.js';
import { admit } from './operation.js';
import { queryInput } from './request-input.js';
import { routes } from './routes.js';

export function registerExportRoutes(ctx: RouteContext): void {
  const { app, portal } = ctx;

  app.get('/exports/activation.csv', async (c) => {
    const caller = await ctx.callerOf(c);
    admit(routes['exports.activationCsv'], caller);
    const input = queryInput(c, operationInputs['exports.activationCsv']);
    const text = (await portal.exports.activationCsv(ctx.asCaller(c, caller), input))[Symbol.asyncIterator]();
    const first = await text.next();
    // The day the export is about: the asOf as the firm wrote it, else today.
    const day = /^\d{4}-\d{2}-\d{2}/.exec(String(input.asOf ?? ''))?.[0] ?? ctx.clock.now().toISOString().slice(0, 10);
    return c.body(bytesOf(first, text, c.get('log')), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="clients-${day}.csv"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    });
  });
}

/** The text as UTF-8 bytes, pulled chunk by chunk as the client reads; a client that leaves stops the export. */
function bytesOf(first: IteratorResult<string>, rest: AsyncIterator<string>, log: Logger): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next: IteratorResult<string> | undefined = first;
  return new ReadableStream({
    async pull(controller) {
      try {
        const chunk = next ?? (await rest.next());
        next = undefined;
        if (chunk.done) controller.close();
        else controller.enqueue(encoder.encode(chunk.value));
      } catch (error) {
        log.error({ err: error }, 'activation CSV failed while streaming');
        controller.error(error);
      }
    },
    async cancel() {
      await rest.return?.();
    },
  });
}
