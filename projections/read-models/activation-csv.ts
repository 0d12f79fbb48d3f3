import type { Database } from 'better-sqlite3';

// PLACEHOLDER (being built): the activation CSV, streamed from the client list.
export async function* activationCsv(_db: Database, _firmId: string, _options: { asOf?: string; bom: boolean; now: Date }): AsyncIterable<string> {
  throw new Error('activation CSV not built yet');
}
