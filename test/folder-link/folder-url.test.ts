import { describe, expect, it } from 'vitest';
import { PortalError } from '../../src/core/errors.js';
import { parseFolderUrl } from '../../src/folder-link/folder-url.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function refusal(raw: string): string {
  try {
    parseFolderUrl(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(PortalError);
    return (error as PortalError).code;
  }
  throw new Error(`accepted ${raw}`);
}

describe('parseFolderUrl accepts OneDrive Personal folder addresses', () => {
  it.each([
    [
      'https://onedrive.live.com/?id=ABCDEF1234567890%21123&cid=ABCDEF1234567890',
      { host: 'onedrive.live.com', cid: 'ABCDEF1234567890', itemId: 'ABCDEF1234567890!123' },
    ],
    [
      'https://onedrive.live.com/?cid=abcdef1234567890&id=ABCDEF1234567890%21123&sc=Documents',
      { host: 'onedrive.live.com', cid: 'abcdef1234567890', itemId: 'ABCDEF1234567890!123' },
    ],
    ['https://onedrive.live.com/?id=ABCDEF1234567890!105', { host: 'onedrive.live.com', cid: 'ABCDEF1234567890', itemId: 'ABCDEF1234567890!105' }],
    [
      'https://onedrive.live.com/redir?resid=ABCDEF1234567890!123&authkey=!AbCd&ithint=folder',
      {
        host: 'onedrive.live.com',
        cid: 'ABCDEF1234567890',
        itemId: 'ABCDEF1234567890!123',
        shareUrl: 'https://onedrive.live.com/redir?resid=ABCDEF1234567890!123&authkey=!AbCd&ithint=folder',
      },
    ],
    ['https://1drv.ms/f/s!AnCfYEabc', { host: '1drv.ms', shareToken: 's!AnCfYEabc', shareUrl: 'https://1drv.ms/f/s!AnCfYEabc' }],
    [
      'https://1drv.ms/f/c/abcdef1234567890/EgKtoken?e=xyz',
      { host: '1drv.ms', cid: 'abcdef1234567890', shareToken: 'EgKtoken', shareUrl: 'https://1drv.ms/f/c/abcdef1234567890/EgKtoken?e=xyz' },
    ],
    ['https://1drv.ms/1AbCdEf', { host: '1drv.ms', shareToken: '1AbCdEf', shareUrl: 'https://1drv.ms/1AbCdEf' }],
    [
      'https://onedrive.live.com/personal/abcdef1234567890/_layouts/15/onedrive.aspx?id=%2Fpersonal%2Fabcdef1234567890%2FDocuments%2FClients%2FAcme&view=0',
      { host: 'onedrive.live.com', cid: 'abcdef1234567890', drivePath: '/personal/abcdef1234567890/Documents/Clients/Acme' },
    ],
    [
      'https://my.microsoftpersonalcontent.com/personal/abcdef1234567890/Documents/Clients/Acme%20Ltd',
      { host: 'my.microsoftpersonalcontent.com', cid: 'abcdef1234567890', drivePath: '/personal/abcdef1234567890/Documents/Clients/Acme Ltd' },
    ],
    ['  https://1drv.ms/f/s!Padded  ', { host: '1drv.ms', shareToken: 's!Padded', shareUrl: 'https://1drv.ms/f/s!Padded' }],
  ])('%s', (raw, expected) => {
    expect(parseFolderUrl(raw)).toEqual(expected);
  });

  it('reads the sharing link inside a redeem address', () => {
    expect(parseFolderUrl(`https://onedrive.live.com/?redeem=${encodeURIComponent(b64('https://1drv.ms/f/s!AnCfYEabc'))}`)).toEqual({
      host: 'onedrive.live.com',
      shareToken: 's!AnCfYEabc',
      shareUrl: 'https://1drv.ms/f/s!AnCfYEabc',
    });
  });

  it('keeps an unreadable redeem token as the share token', () => {
    expect(parseFolderUrl('https://onedrive.live.com/?redeem=%%%')).toEqual({
      host: 'onedrive.live.com',
      shareToken: '%%%',
      shareUrl: 'https://onedrive.live.com/?redeem=%%%',
    });
  });
});

describe('parseFolderUrl refuses', () => {
  it.each([
    'https://contoso-my.sharepoint.com/personal/ann_contoso_com/Documents/Clients',
    'https://contoso-my.sharepoint.com/:f:/g/personal/ann_contoso_com/EabcDEF',
    'https://contoso.sharepoint.com/:f:/s/site/EabcDEF',
    'https://contoso.sharepoint.com/sites/finance/Shared%20Documents',
    'https://contoso.sharepoint.us/sites/x',
    'https://contoso.sharepoint-mil.us/sites/x',
    'https://contoso.sharepoint.cn/sites/x',
    'http://contoso.sharepoint.com/sites/x',
  ])('OneDrive for Business / SharePoint: %s', (raw) => {
    expect(refusal(raw)).toBe('folder_link.business_not_supported');
  });

  it('a personal path address with malformed percent-encoding, as naming no folder (not a crash)', () => {
    expect(refusal('https://my.microsoftpersonalcontent.com/personal/abcdef1234567890/Documents/Clients/Acme%E0%A4')).toBe('folder_link.no_folder');
    expect(refusal('https://onedrive.live.com/personal/abcdef1234567890/Documents/100%')).toBe('folder_link.no_folder');
  });

  it('with the sentence the firm sees', () => {
    expect(() => parseFolderUrl('https://contoso.sharepoint.com/sites/x')).toThrow(
      'This is a OneDrive for Business / SharePoint link. Only OneDrive Personal folders can be linked.',
    );
  });

  it.each([
    'https://1drv.ms/b/s!AnCfYEabc',
    'https://1drv.ms/w/s!AnCfYEabc',
    'https://1drv.ms/x/s!AnCfYEabc',
    'https://1drv.ms/p/s!AnCfYEabc',
    'https://1drv.ms/u/s!AnCfYEabc',
    'https://1drv.ms/i/s!AnCfYEabc',
    'https://1drv.ms/w/c/abcdef1234567890/EgKtoken?e=xyz',
    `https://onedrive.live.com/?redeem=${encodeURIComponent(b64('https://1drv.ms/x/s!AnCfYEabc'))}`,
    'https://onedrive.live.com/edit.aspx?resid=ABCDEF1234567890!1&cid=ABCDEF1234567890',
    'https://onedrive.live.com/view.aspx?resid=ABCDEF1234567890!1&ithint=file%2cdocx',
    'https://onedrive.live.com/redir?resid=ABCDEF1234567890!1&ithint=file%2cxlsx',
    'https://onedrive.live.com/?cid=ABCDEF1234567890&id=ABCDEF1234567890%21123&parId=ABCDEF1234567890%21100&o=OneUp',
    'https://onedrive.live.com/download?resid=ABCDEF1234567890!1',
    'https://onedrive.live.com/personal/abcdef1234567890/_layouts/15/doc.aspx?resid=abc&cid=abcdef1234567890',
  ])('a link to a file rather than a folder: %s', (raw) => {
    expect(refusal(raw)).toBe('folder_link.not_a_folder');
  });

  it.each(['not a url', 'onedrive.live.com/?id=ABC!1', 'http://onedrive.live.com/?id=ABC!1', 'ftp://onedrive.live.com/x', ''])(
    'what is not an https address: %s',
    (raw) => {
      expect(refusal(raw)).toBe('folder_link.invalid_url');
    },
  );

  it.each([
    'https://drive.google.com/drive/folders/abc',
    'https://www.dropbox.com/sh/abc',
    'https://onedrive.live.com.example.com/?id=ABC!1',
    'https://photos.onedrive.com/share/abc',
  ])('other hosts: %s', (raw) => {
    expect(refusal(raw)).toBe('folder_link.unsupported_host');
  });

  it.each([
    'https://onedrive.live.com/',
    'https://onedrive.live.com/?cid=ABCDEF1234567890',
    'https://1drv.ms/f/',
    'https://1drv.ms/',
    'https://my.microsoftpersonalcontent.com/',
  ])('addresses naming no folder: %s', (raw) => {
    expect(refusal(raw)).toBe('folder_link.no_folder');
  });
});
