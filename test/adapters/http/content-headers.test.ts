import { describe, expect, it } from 'vitest';
import { noneMatch, rangeOf, rangeStillApplies } from '../../../adapters/http/byte-range.js';
import { attachmentDisposition, contentTypeOf, filenameOf } from '../../../adapters/http/content-headers.js';

describe('Content-Disposition of a download', () => {
  it('keeps quotes, backslashes and control characters out of the quoted name and percent-encodes the real one', () => {
    expect(attachmentDisposition('Résumé "final"\n.pdf')).toBe(`attachment; filename="Resume _final__.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%0A.pdf`);
    expect(attachmentDisposition('a\\b;c.txt')).toBe(`attachment; filename="a_b;c.txt"; filename*=UTF-8''a%5Cb%3Bc.txt`);
    expect(attachmentDisposition("it's (1)*.pdf")).toBe(`attachment; filename="it's (1)*.pdf"; filename*=UTF-8''it%27s%20%281%29%2A.pdf`);
    expect(attachmentDisposition('報告.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf`);
  });
});

describe('the file name of an upload', () => {
  it("prefers filename* and decodes it, else takes filename", () => {
    expect(filenameOf(`attachment; filename="x.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf`)).toBe('Résumé.pdf');
    expect(filenameOf('attachment; filename="a \\"b\\".pdf"')).toBe('a "b".pdf');
    expect(filenameOf('attachment; filename=plain.txt')).toBe('plain.txt');
    expect(filenameOf(`attachment; filename*=UTF-8''%E0%A4`)).toBeUndefined();
    expect(filenameOf('attachment')).toBeUndefined();
  });
});

describe('the type of a download', () => {
  it('names a few well-known extensions and sends anything else as bytes', () => {
    expect(contentTypeOf('a.PDF')).toBe('application/pdf');
    expect(contentTypeOf('sheet.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(contentTypeOf('page.html')).toBe('application/octet-stream');
    expect(contentTypeOf('no-extension')).toBe('application/octet-stream');
  });
});

describe('a Range header', () => {
  const part = (start: number, end: number) => ({ kind: 'part', range: { start, end } });
  it('reads one byte range, an open one and a suffix', () => {
    expect(rangeOf('bytes=0-99', 1000)).toEqual(part(0, 99));
    expect(rangeOf('bytes=900-', 1000)).toEqual(part(900, 999));
    expect(rangeOf('bytes=900-5000', 1000)).toEqual(part(900, 999));
    expect(rangeOf('bytes=-100', 1000)).toEqual(part(900, 999));
    expect(rangeOf('bytes=-5000', 1000)).toEqual(part(0, 999));
  });

  it('serves the whole for several ranges, another unit or no header', () => {
    expect(rangeOf('bytes=0-1,5-6', 1000)).toEqual({ kind: 'whole' });
    expect(rangeOf('items=0-1', 1000)).toEqual({ kind: 'whole' });
    expect(rangeOf(undefined, 1000)).toEqual({ kind: 'whole' });
  });

  it('ignores a header that is no valid range, and serves the whole (RFC 9110 §14.2)', () => {
    for (const header of ['bytes=abc', 'bytes=-', 'bytes=5-1', 'bytes=1-2-3', 'bytes=', 'bytes=0x10-']) {
      expect(rangeOf(header, 1000), header).toEqual({ kind: 'whole' });
    }
  });

  it('finds a valid range outside the content unsatisfiable', () => {
    for (const header of ['bytes=1000-', 'bytes=1000-2000', 'bytes=-0']) {
      expect(rangeOf(header, 1000), header).toEqual({ kind: 'unsatisfiable' });
    }
    expect(rangeOf('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('validators', () => {
  it('matches If-None-Match weakly, and If-Range only on the exact strong ETag', () => {
    expect(noneMatch('"a", W/"b"', '"b"')).toBe(true);
    expect(noneMatch('*', '"b"')).toBe(true);
    expect(noneMatch('"a"', '"b"')).toBe(false);
    expect(rangeStillApplies(undefined, '"b"')).toBe(true);
    expect(rangeStillApplies('"b"', '"b"')).toBe(true);
    expect(rangeStillApplies('W/"b"', '"b"')).toBe(false);
    expect(rangeStillApplies('Wed, 21 Oct 2015 07:28:00 GMT', '"b"')).toBe(false);
  });
});
