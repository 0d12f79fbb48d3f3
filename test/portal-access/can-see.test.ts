import { describe, expect, it } from 'vitest';
import { canSee, type VisibilityState } from '../../src/portal-access/shared-items.js';

const access = (sharedItems: VisibilityState['sharedItems'], status: VisibilityState['status'] = 'active'): VisibilityState => ({
  status,
  contactId: 'contact-1',
  sharedItems,
});
const doc = (folderPath: string, documentId = 'doc-1') => ({ folderPath, documentId });

describe('canSee', () => {
  const tax = access([{ kind: 'folder', path: 'Tax' }]);

  it('sees a document directly in a shared folder', () => {
    expect(canSee(tax, doc('Tax'))).toBe(true);
  });

  it('sees a document in a subfolder of a shared folder', () => {
    expect(canSee(tax, doc('Tax/2024/Returns'))).toBe(true);
  });

  it('matches folders by whole segments, not by name prefix', () => {
    expect(canSee(tax, doc('Taxes'))).toBe(false);
    expect(canSee(tax, doc('Tax 2024'))).toBe(false);
  });

  it('does not see a parent of a shared folder', () => {
    expect(canSee(access([{ kind: 'folder', path: 'Tax/2024' }]), doc('Tax'))).toBe(false);
  });

  it('matches folder names case-insensitively, as OneDrive does', () => {
    expect(canSee(tax, doc('TAX/2024'))).toBe(true);
  });

  it('sees everything when the root folder is shared', () => {
    expect(canSee(access([{ kind: 'folder', path: '' }]), doc('Anything/at/all'))).toBe(true);
  });

  it('sees a single shared document by its id only', () => {
    const one = access([{ kind: 'document', documentId: 'doc-9' }]);
    expect(canSee(one, doc('Payroll', 'doc-9'))).toBe(true);
    expect(canSee(one, doc('Payroll', 'doc-8'))).toBe(false);
  });

  it('always sees the contact’s own uploads', () => {
    expect(canSee(tax, { ...doc('Uploads'), uploadedByContactId: 'contact-1' })).toBe(true);
    expect(canSee(tax, { ...doc('Uploads'), uploadedByContactId: 'contact-2' })).toBe(false);
  });

  it('sees nothing once access is closed', () => {
    expect(canSee(access([{ kind: 'folder', path: 'Tax' }], 'closed'), doc('Tax'))).toBe(false);
  });

  it('sees nothing without access', () => {
    expect(canSee(access([], 'none'), { ...doc('Uploads'), uploadedByContactId: 'contact-1' })).toBe(false);
  });
});
