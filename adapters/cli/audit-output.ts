import type { Page } from '../../src/application/read-models.js';
import { write, type CommandIo } from './options.js';

/** Prints every page, as lines or one JSON object per line. */
export async function printEntries<T>(
  io: CommandIo,
  page: (cursor: string | undefined) => Promise<Page<T>>,
  json: boolean,
  line: (item: T) => string,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    for (const item of items) await write(io.stdout, `${json ? JSON.stringify(item) : line(item)}\n`);
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}
