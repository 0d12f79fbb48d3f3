import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { activationColumns, encodeCsv } from '../../../projections/read-models/activation-csv.js';
import type { ActivationRow } from '../../../src/application/read-models.js';

const HEADER = [
  'Client', 'Client kind', 'Member name', 'Role', 'Email', 'Login email', 'Activation status', 'Invitation sent',
  'Invitation expires', 'Last login', 'Subscription', 'Assigned staff', 'Portal access', 'Folder linked',
];

function row(overrides: Partial<ActivationRow> = {}): ActivationRow {
  return {
    client: 'Smith Family',
    clientKind: 'group',
    memberName: 'Ann Smith',
    role: 'owner',
    email: 'ann@smith.example',
    loginEmail: 'ann@smith.example',
    activationStatus: 'Waiting for member to accept invitation (sent 2026-12-01)',
    invitationSentAt: '2026-12-01T09:00:00.000Z',
    invitationExpiresAt: '2026-12-31T09:00:00.000Z',
    lastLoginAt: '',
    subscription: 'Pro',
    assignedStaff: 'Sam Staff; Pat Partner',
    portalAccess: 'pending',
    folderLinked: 'no',
    ...overrides,
  };
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

const cells = (r: ActivationRow) => activationColumns.map((c) => r[c.key]);
/**
 * RFC 4180 read by the letter, written here so the check does not share csv-stringify's family
 * (csv-parse is its sibling): CRLF ends a record, a quoted field doubles its quotes and may hold
 * anything, an unquoted one holds no quote, CR or LF.
 */
function strictRfc4180(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), i++;
        else if (text[i] === '"') break;
        else field += text[i];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) (records.push(record), (record = []), (i += 2));
    else throw new Error(`expected a comma or CRLF at ${i}`);
  }
  if (record.length > 0) throw new Error('the last record has no CRLF');
  return records;
}

/** Parsed by csv-parse and by the strict reader above; both must agree. */
const parseBack = (csv: string): string[][] => {
  const parsed = parse(csv, { bom: true, relax_column_count: false }) as string[][];
  expect(strictRfc4180(csv)).toEqual(parsed);
  return parsed;
};

describe('activation CSV encoding', () => {
  it('writes the header in the issue order, then one record per row, CRLF-terminated', async () => {
    const rows = [row(), row({ memberName: 'Bob Smith', role: 'co_owner' as ActivationRow['role'] })];
    const csv = await text(encodeCsv(rows, { bom: false }));
    expect(csv.split('\r\n')).toHaveLength(4); // header, two rows, and the empty string after the last CRLF
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(parseBack(csv)).toEqual([HEADER, ...rows.map(cells)]);
  });

  it('writes the header even for a firm without members', async () => {
    expect(await text(encodeCsv([], { bom: false }))).toBe(`${HEADER.join(',')}\r\n`);
  });

  it('starts with a UTF-8 BOM only when asked', async () => {
    const withBom = await text(encodeCsv([row()], { bom: true }));
    const without = await text(encodeCsv([row()], { bom: false }));
    expect(withBom.charCodeAt(0)).toBe(0xfeff);
    expect(without.charCodeAt(0)).not.toBe(0xfeff);
    expect(Buffer.from(withBom, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(withBom.slice(1)).toBe(without);
  });

  it('round-trips quotes, commas, CR, LF, CRLF and unicode cell by cell', async () => {
    const names = ['O"Brien, "Junior"', 'Smith, Ann', 'line\nbreak', 'carriage\rreturn', 'both\r\nends', 'José Müller', '中文名字', 'Ann 🎉 Smith', '""', ' padded '];
    const rows = names.map((name, i) => row({ client: `${name} & Co`, memberName: name, email: `m${i}@example.com` }));
    const csv = await text(encodeCsv(rows, { bom: true }));
    expect(parseBack(csv)).toEqual([HEADER, ...rows.map(cells)]);
  });

  it('quotes a field holding a bare LF (csv-stringify leaves it bare with CRLF row delimiters)', async () => {
    const csv = await text(encodeCsv([row({ memberName: 'a\nb' })], { bom: false }));
    expect(csv).toContain('"a\nb"');
  });

  it.each(['=', '+', '-', '@', '\t', '\r'])('neutralises a cell starting with %j against formula injection', async (prefix) => {
    const dangerous = `${prefix}HYPERLINK("http://evil.example")`;
    const csv = await text(encodeCsv([row({ memberName: dangerous, client: dangerous })], { bom: false }));
    const [, record] = parseBack(csv);
    expect(record![0]).toBe(`'${dangerous}`);
    expect(record![2]).toBe(`'${dangerous}`);
    for (const cell of record!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('pulls rows only as the consumer reads', async () => {
    let pulled = 0;
    const total = 100_000;
    function* counting(): IterableIterator<ActivationRow> {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield row({ memberName: `Member ${i}` });
      }
    }
    let returned = false;
    const iterator = counting();
    const rows: IterableIterator<ActivationRow> = {
      next: () => iterator.next(),
      return: (value?: unknown) => ((returned = true), iterator.return!(value)),
      [Symbol.iterator]() {
        return this;
      },
    };
    for await (const chunk of encodeCsv(rows, { bom: false })) {
      expect(chunk.startsWith('Client,')).toBe(true);
      break;
    }
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(1000);
    expect(returned).toBe(true);
  });

  it('passes an error of the row source on to the consumer', async () => {
    function* failing(): IterableIterator<ActivationRow> {
      yield row();
      throw new Error('the read model went away');
    }
    await expect(text(encodeCsv(failing(), { bom: false }))).rejects.toThrow('the read model went away');
  });
});
