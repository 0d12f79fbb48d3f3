// What the HTTP benchmarks ask, shared by the server process and the load generator: the firm,
// its history's shape, the searches and the client a create sends.
import type { z } from 'zod';
import type { createClientInput } from '../src/application/clients.js';
import type { HistoryShape } from './portal-history.js';
import { staffId, tokenOf } from './portal-history.js';

export const FIRM = 'firm-http';
/** The firm's partner admin: the staff API token the load generator sends is theirs. */
export const ADMIN = staffId(FIRM, 0);

/**
 * One firm of `clients` clients, each a couple with access opened, most accepted, then a round of a
 * document, logins and downloads (so rows carry last logins): 15.4 events per client.
 */
export const firmShape = (clients: number): HistoryShape => ({
  firmId: FIRM,
  clients,
  membersPerClient: 2,
  rounds: 1,
  start: new Date(Date.now() - 365 * 86_400_000),
  years: 1,
});

/**
 * Searches a member of staff makes, in two kinds. Selective: a word of one client's name (one or two
 * rows come back), as when looking a client up. Broad: a common first name or surname, so every
 * answer is a full page of 50 rows, as when browsing.
 */
export function searchTexts(clients: number): { selective: string[]; broad: string[] } {
  const selective = Array.from({ length: 64 }, (_, i) => tokenOf((i * 7919) % clients));
  const broad = ['smith', 'müller', 'garcia', 'nguyen', 'dubois', 'kowalski', 'jensen', 'rossi', 'silva', 'ann', 'mia', 'noah', 'oskar', 'liam', 'ines', 'zoe'];
  return { selective, broad };
}

export const searchPath = (text: string) => `/client-list?text=${encodeURIComponent(text)}&limit=50`;

/** An individual client as a create sends it (no idempotency key: names need not be unique). */
export const newClient: z.input<typeof createClientInput> = {
  kind: 'individual',
  owners: [{ name: 'Ann Example', emails: ['ann@example.org'] }],
  subscription: 'pro',
};
