import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes to a temporary file beside `path`, renamed into place only once everything is written. */
export async function writeAtomically(path: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temporary, 'wx');
  try {
    for await (const chunk of chunks) await file.write(chunk);
    await file.sync();
    await file.close();
    await rename(temporary, path);
    // The rename itself survives a power cut only once the folder is synced.
    const folder = await open(dirname(path), 'r');
    await folder.sync().finally(() => folder.close());
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
