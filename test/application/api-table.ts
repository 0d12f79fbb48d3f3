import type { Caller } from '../../src/application/context.js';
import type { Portal } from '../../src/application/portal.js';
import { encodeCursor } from '../../projections/read-models/keyset-cursor.js';
import { hashOf } from '../support/content-hash.js';

/**
 * One well-formed call of an application function, for the closed-input test. `bounded` lists the
 * paths (into `valid`) of every field that has a bound; the test checks it names every string,
 * list and number in `valid`.
 */
export interface ApiCall {
  call: (portal: Portal, input: any, caller: Caller) => Promise<unknown>;
  valid: Record<string, unknown>;
  bounded: string[];
  /** Takes no caller (the contact's own login, the emailed link). */
  noCaller?: true;
  /** Fields where any character is fine (a password is only ever hashed). */
  anyCharacters?: string[];
  /** Objects whose keys are data (preliminary data fields), not a closed set of fields. */
  openObjects?: string[];
}

export interface Ids {
  firmId: string;
  userId: string;
  clientId: string;
  contactId: string;
  documentId: string;
}

const person = { name: 'Sam Staff', email: 'sam@harbour.example' };
const contact = { name: 'Gus Guest', emails: ['gus@guest.example'] };
const content = { size: 1, contentHash: hashOf(1), blobRef: 'blob-1' };
const driveItem = { driveId: 'abcdef1234567890', itemId: 'ABCDEF1234567890!1', driveType: 'personal', isFolder: true, name: 'Client' };
const folderUrl = 'https://onedrive.live.com/?id=ABCDEF1234567890%211&cid=ABCDEF1234567890';
const upserted = { kind: 'upserted', folderPath: 'Tax', name: 'Return.pdf', cTag: 'c1', eTag: 'e1', content };
/** A cursor as the client list hands them out (opaque to callers: the last row's sort key and id). */
const cursorOf = (sort: string) => Buffer.from(JSON.stringify({ s: sort, k: '', id: 'client-0' })).toString('base64url');
const contentPaths = (at: string) => ['size', 'contentHash', 'blobRef'].map((field) => (at ? `${at}.${field}` : field));

/** Every function of createPortal, by `area.name`; a list where one function has several input shapes. */
export function apiTable({ firmId, userId, clientId, contactId, documentId }: Ids): Record<string, ApiCall | ApiCall[]> {
  const sharedItems = [{ kind: 'folder', path: 'Tax' }, { kind: 'document', documentId }];
  const sharedPaths = ['sharedItems', 'sharedItems.0.kind', 'sharedItems.0.path', 'sharedItems.1.kind', 'sharedItems.1.documentId'];
  const onClient = { valid: { clientId }, bounded: ['clientId'] };
  const onContact = { valid: { contactId }, bounded: ['contactId'] };
  const onDocument = { valid: { documentId }, bounded: ['documentId'] };
  const access = { documentId, ipAddress: '203.0.113.7', userAgent: 'Firefox/128' };
  const row = { clientId, folderUrl, driveItem };
  const rowPaths = (at: string) => ['clientId', 'folderUrl', ...['driveId', 'itemId', 'driveType', 'name'].map((f) => `driveItem.${f}`)].map((p) => (at ? `${at}.${p}` : p));
  return {
    'firms.createFirm': {
      call: (p, i, c) => p.firms.createFirm(c, i),
      valid: { name: 'Acme Accounting', partnerAdmin: { userId: 'user-new', ...person }, idempotencyKey: 'firm-1' },
      bounded: ['name', 'partnerAdmin.userId', 'partnerAdmin.name', 'partnerAdmin.email', 'idempotencyKey'],
    },
    'firms.getFirm': { call: (p, i, c) => p.firms.getFirm(c, i), valid: { firmId }, bounded: ['firmId'] },
    'firms.addStaffUser': {
      call: (p, i, c) => p.firms.addStaffUser(c, i),
      valid: { firmId, user: { userId: 'user-2', ...person }, role: 'staff', idempotencyKey: 'staff-1' },
      bounded: ['firmId', 'user.userId', 'user.name', 'user.email', 'role', 'idempotencyKey'],
    },
    'firms.changeStaffRole': { call: (p, i, c) => p.firms.changeStaffRole(c, i), valid: { firmId, userId, role: 'staff' }, bounded: ['firmId', 'userId', 'role'] },
    'firms.removeStaffUser': { call: (p, i, c) => p.firms.removeStaffUser(c, i), valid: { firmId, userId: 'user-2' }, bounded: ['firmId', 'userId'] },
    'firms.enablePartnerFeatures': { call: (p, i, c) => p.firms.enablePartnerFeatures(c, i), valid: { firmId, licensingPartner: true }, bounded: ['firmId'] },
    'firms.disablePartnerFeatures': { call: (p, i, c) => p.firms.disablePartnerFeatures(c, i), valid: { firmId }, bounded: ['firmId'] },
    'firms.changeLicensingPartner': { call: (p, i, c) => p.firms.changeLicensingPartner(c, i), valid: { firmId, licensingPartner: false }, bounded: ['firmId'] },
    'firms.createManagedCompany': {
      call: (p, i, c) => p.firms.createManagedCompany(c, i),
      valid: { companyId: 'company-1', name: 'Acme Books', premiumApps: ['payroll'], admins: [{ userId: 'user-3', ...person }], idempotencyKey: 'company-1' },
      bounded: ['companyId', 'name', 'premiumApps', 'premiumApps.0', 'admins', 'admins.0.userId', 'admins.0.name', 'admins.0.email', 'idempotencyKey'],
    },
    'firms.listManagedCompanies': { call: (p, i, c) => p.firms.listManagedCompanies(c, i), valid: {}, bounded: [] },
    'firms.changePremiumApps': {
      call: (p, i, c) => p.firms.changePremiumApps(c, i),
      valid: { companyId: 'company-1', premiumApps: ['payroll', 'crm'] },
      bounded: ['companyId', 'premiumApps', 'premiumApps.0', 'premiumApps.1'],
    },
    'firms.addCompanyAdmin': {
      call: (p, i, c) => p.firms.addCompanyAdmin(c, i),
      valid: { companyId: 'company-1', admin: { userId: 'user-4', ...person }, idempotencyKey: 'admin-1' },
      bounded: ['companyId', 'admin.userId', 'admin.name', 'admin.email', 'idempotencyKey'],
    },
    'firms.removeCompanyAdmin': { call: (p, i, c) => p.firms.removeCompanyAdmin(c, i), valid: { companyId: 'company-1', userId: 'user-4' }, bounded: ['companyId', 'userId'] },
    'firms.setBranding': {
      call: (p, i, c) => p.firms.setBranding(c, i),
      valid: { logo: { blobRef: 'logo-1', contentType: 'image/png', size: 100 }, primaryColour: '#112233', supportChannel: 'help@harbour.example' },
      bounded: ['logo.blobRef', 'logo.contentType', 'logo.size', 'primaryColour', 'supportChannel'],
    },
    'firms.clearBranding': { call: (p, i, c) => p.firms.clearBranding(c, i), valid: {}, bounded: [] },
    'firms.setInvitationReminders': { call: (p, i, c) => p.firms.setInvitationReminders(c, i), valid: { enabled: false }, bounded: [] },
    'firms.effectiveBrandingOf': { call: (p, i, c) => p.firms.effectiveBrandingOf(c, i), valid: { firmId }, bounded: ['firmId'] },
    'firms.connectOneDrive': {
      call: (p, i, c) => p.firms.connectOneDrive(c, i),
      valid: { accountId: 'od-1', displayName: 'Harbour OneDrive', driveType: 'personal' },
      bounded: ['accountId', 'displayName', 'driveType'],
    },
    'firms.markOneDriveNeedsReconnect': { call: (p, i, c) => p.firms.markOneDriveNeedsReconnect(c, i), valid: { reason: 'token_expired' }, bounded: ['reason'] },
    'firms.disconnectOneDrive': { call: (p, i, c) => p.firms.disconnectOneDrive(c, i), valid: {}, bounded: [] },

    'clients.createClient': {
      call: (p, i, c) => p.clients.createClient(c, i),
      valid: { kind: 'group', name: 'Smith Family', owners: [contact], preliminaryData: { taxFileNumber: 'TFN-1' }, subscription: 'pro', idempotencyKey: 'client-1' },
      bounded: ['kind', 'name', 'owners', 'owners.0.name', 'owners.0.emails', 'owners.0.emails.0', 'preliminaryData.taxFileNumber', 'subscription', 'idempotencyKey'],
      openObjects: ['preliminaryData'],
    },
    'clients.getClient': { call: (p, i, c) => p.clients.getClient(c, i), valid: { clientId }, bounded: ['clientId'] },
    'clients.renameClient': { call: (p, i, c) => p.clients.renameClient(c, i), valid: { clientId, name: 'Ann Smith' }, bounded: ['clientId', 'name'] },
    'clients.recordPreliminaryData': {
      call: (p, i, c) => p.clients.recordPreliminaryData(c, i),
      valid: { clientId, fields: { taxFileNumber: 'TFN-1' } },
      bounded: ['clientId', 'fields.taxFileNumber'],
      openObjects: ['fields'],
    },
    'clients.removePreliminaryData': {
      call: (p, i, c) => p.clients.removePreliminaryData(c, i),
      valid: { clientId, fieldNames: ['taxFileNumber'] },
      bounded: ['clientId', 'fieldNames', 'fieldNames.0'],
    },
    'clients.changeSubscription': { call: (p, i, c) => p.clients.changeSubscription(c, i), valid: { clientId, plan: 'pro' }, bounded: ['clientId', 'plan'] },
    'clients.assignStaff': { call: (p, i, c) => p.clients.assignStaff(c, i), valid: { clientId, userId }, bounded: ['clientId', 'userId'] },
    'clients.unassignStaff': { call: (p, i, c) => p.clients.unassignStaff(c, i), valid: { clientId, userId }, bounded: ['clientId', 'userId'] },
    'clients.addOwner': {
      call: (p, i, c) => p.clients.addOwner(c, i),
      valid: { clientId, contact, idempotencyKey: 'owner-1' },
      bounded: ['clientId', 'contact.name', 'contact.emails', 'contact.emails.0', 'idempotencyKey'],
    },
    'clients.addGuest': {
      call: (p, i, c) => p.clients.addGuest(c, i),
      valid: { clientId, contact, idempotencyKey: 'guest-1' },
      bounded: ['clientId', 'contact.name', 'contact.emails', 'contact.emails.0', 'idempotencyKey'],
    },
    'clients.removeMember': { call: (p, i, c) => p.clients.removeMember(c, i), valid: { clientId, contactId: 'nobody' }, bounded: ['clientId', 'contactId'] },
    'clients.renameContact': { call: (p, i, c) => p.clients.renameContact(c, i), valid: { clientId, contactId, name: 'Ann Jones' }, bounded: ['clientId', 'contactId', 'name'] },
    'clients.addContactEmail': {
      call: (p, i, c) => p.clients.addContactEmail(c, i),
      valid: { clientId, contactId, email: 'ann@work.example' },
      bounded: ['clientId', 'contactId', 'email'],
    },
    'clients.removeContactEmail': {
      call: (p, i, c) => p.clients.removeContactEmail(c, i),
      valid: { clientId, contactId, email: 'ann@work.example' },
      bounded: ['clientId', 'contactId', 'email'],
    },
    'clients.archiveClient': { ...onClient, call: (p, i, c) => p.clients.archiveClient(c, i), valid: { clientId: 'client-elsewhere' } },
    'clients.restoreClient': { ...onClient, call: (p, i, c) => p.clients.restoreClient(c, i) },

    'invitations.inviteMember': {
      call: (p, i, c) => p.invitations.inviteMember(c, i),
      valid: { clientId, contactId, formId: 'form-1', email: 'ann@smith.example' },
      bounded: ['clientId', 'contactId', 'formId', 'email'],
    },
    'invitations.inviteOwners': { call: (p, i, c) => p.invitations.inviteOwners(c, i), valid: { clientId, formId: 'form-1' }, bounded: ['clientId', 'formId'] },
    'invitations.inviteInBulk': {
      call: (p, i, c) => p.invitations.inviteInBulk(c, i),
      valid: { clientIds: [clientId], formId: 'form-1' },
      bounded: ['clientIds', 'clientIds.0', 'formId'],
    },
    'invitations.resendInvitation': {
      call: (p, i, c) => p.invitations.resendInvitation(c, i),
      valid: { contactId, formId: 'form-1', email: 'ann@smith.example' },
      bounded: ['contactId', 'formId', 'email'],
    },
    'invitations.cancelInvitation': {
      call: (p, i, c) => p.invitations.cancelInvitation(c, i),
      valid: { contactId, reason: 'withdrawn_by_firm' },
      bounded: ['contactId', 'reason'],
    },
    'invitations.acceptInvitation': {
      call: (p, i) => p.invitations.acceptInvitation(i),
      valid: { contactId, token: 'not-the-token', password: 'a long passphrase' },
      bounded: ['contactId', 'token', 'password'],
      noCaller: true,
      anyCharacters: ['password'],
    },
    'invitations.checkInvitationLink': {
      call: (p, i) => p.invitations.checkInvitationLink(i),
      valid: { contactId, token: 'not-the-token' },
      bounded: ['contactId', 'token'],
      noCaller: true,
    },
    'invitations.memberStatus': { valid: { clientId, contactId }, bounded: ['clientId', 'contactId'], call: (p, i, c) => p.invitations.memberStatus(c, i) },
    'invitations.clientMemberStatuses': { ...onClient, call: (p, i, c) => p.invitations.clientMemberStatuses(c, i) },

    'access.openPortalAccess': {
      call: (p, i, c) => p.access.openPortalAccess(c, i),
      valid: { clientId, contactId, loginEmail: 'ann@smith.example', sharedItems },
      bounded: ['clientId', 'contactId', 'loginEmail', ...sharedPaths],
    },
    'access.getPortalAccess': { ...onContact, call: (p, i, c) => p.access.getPortalAccess(c, i) },
    'access.changeSharedSelection': {
      call: (p, i, c) => p.access.changeSharedSelection(c, i),
      valid: { contactId, sharedItems },
      bounded: ['contactId', ...sharedPaths],
    },
    'access.changeLoginEmail': {
      call: (p, i, c) => p.access.changeLoginEmail(c, i),
      valid: { contactId, loginEmail: 'ann@smith.example' },
      bounded: ['contactId', 'loginEmail'],
    },
    'access.closePortalAccess': { call: (p, i, c) => p.access.closePortalAccess(c, i), valid: { contactId, via: 'toggle' }, bounded: ['contactId', 'via'] },
    'access.logIn': [
      {
        call: (p, i) => p.access.logIn(i),
        valid: { tenantId: firmId, contactId, password: 'a long passphrase', ipAddress: '2001:db8::7', userAgent: 'Firefox/128' },
        bounded: ['tenantId', 'contactId', 'password', 'ipAddress', 'userAgent'],
        noCaller: true,
        anyCharacters: ['password'],
      },
      {
        call: (p, i) => p.access.logIn(i),
        valid: { tenantId: firmId, loginEmail: 'ann@smith.example', password: 'a long passphrase', ipAddress: '2001:db8::7', userAgent: 'Firefox/128' },
        bounded: ['tenantId', 'loginEmail', 'password', 'ipAddress', 'userAgent'],
        noCaller: true,
        anyCharacters: ['password'],
      },
    ],

    'clientList.search': {
      call: (p, i, c) => p.clientList.search(c, i),
      valid: {
        text: 'smi', accessState: 'active', invitationState: 'waiting', assignedStaffId: userId, subscription: 'pro',
        linked: true, archived: false, sort: 'last_login', order: 'desc', cursor: cursorOf('last_login:desc'), limit: 20,
      },
      bounded: ['text', 'accessState', 'invitationState', 'assignedStaffId', 'subscription', 'sort', 'order', 'cursor', 'limit'],
    },
    'clientList.folders': {
      call: (p, i, c) => p.clientList.folders(c, i),
      valid: { text: 'smi', linked: false, cursor: cursorOf('folders'), limit: 20 },
      bounded: ['text', 'cursor', 'limit'],
    },

    'access.requestPasswordReset': {
      call: (p, i) => p.access.requestPasswordReset(i),
      valid: { tenantId: firmId, loginEmail: 'ann@smith.example' },
      bounded: ['tenantId', 'loginEmail'],
      noCaller: true,
    },
    'access.checkPasswordResetLink': {
      call: (p, i) => p.access.checkPasswordResetLink(i),
      valid: { contactId, token: 'not-the-token' },
      bounded: ['contactId', 'token'],
      noCaller: true,
    },
    'access.resetPassword': {
      call: (p, i) => p.access.resetPassword(i),
      valid: { contactId, token: 'not-the-token', password: 'a long passphrase' },
      bounded: ['contactId', 'token', 'password'],
      noCaller: true,
      anyCharacters: ['password'],
    },
    'folders.linkFolder': { call: (p, i, c) => p.folders.linkFolder(c, i), valid: row, bounded: rowPaths('') },
    'folders.saveAllFolderLinks': {
      call: (p, i, c) => p.folders.saveAllFolderLinks(c, i),
      valid: { links: [row] },
      bounded: ['links', ...rowPaths('links.0')],
    },
    'folders.unlinkFolder': { ...onClient, call: (p, i, c) => p.folders.unlinkFolder(c, i) },
    'folders.getFolderLink': { ...onClient, call: (p, i, c) => p.folders.getFolderLink(c, i) },
    'folders.recordFolderSync': {
      call: (p, i, c) => p.folders.recordFolderSync(c, i),
      valid: { clientId, driveId: driveItem.driveId, itemId: driveItem.itemId, itemCount: 1, added: 1, changed: 0, removed: 0, mode: 'delta' },
      bounded: ['clientId', 'driveId', 'itemId', 'itemCount', 'added', 'changed', 'removed', 'mode'],
    },
    'folders.recordFolderSyncFailure': {
      call: (p, i, c) => p.folders.recordFolderSyncFailure(c, i),
      valid: { clientId, driveId: driveItem.driveId, itemId: driveItem.itemId, code: 'quota_exceeded', message: 'The OneDrive account is full.' },
      bounded: ['clientId', 'driveId', 'itemId', 'code', 'message'],
    },

    'documents.uploadDocument': {
      call: (p, i, c) => p.documents.uploadDocument(c, i),
      valid: { documentId: 'document-new', clientId, folderPath: 'Tax', name: 'Return.pdf', ...content, idempotencyKey: 'upload-1' },
      bounded: ['documentId', 'clientId', 'folderPath', 'name', ...contentPaths(''), 'idempotencyKey'],
    },
    'documents.uploadNewVersion': {
      call: (p, i, c) => p.documents.uploadNewVersion(c, i),
      valid: { documentId, ...content, contentHash: hashOf(2) },
      bounded: ['documentId', ...contentPaths('')],
    },
    'documents.renameDocument': { call: (p, i, c) => p.documents.renameDocument(c, i), valid: { documentId, name: 'Return 2.pdf' }, bounded: ['documentId', 'name'] },
    'documents.moveDocument': { call: (p, i, c) => p.documents.moveDocument(c, i), valid: { documentId, folderPath: 'Tax/2025' }, bounded: ['documentId', 'folderPath'] },
    'documents.removeDocument': { ...onDocument, call: (p, i, c) => p.documents.removeDocument(c, i), valid: { documentId: 'document-elsewhere' } },
    'documents.recordDownload': { call: (p, i, c) => p.documents.recordDownload(c, i), valid: access, bounded: ['documentId', 'ipAddress', 'userAgent'] },
    'documents.recordView': { call: (p, i, c) => p.documents.recordView(c, i), valid: access, bounded: ['documentId', 'ipAddress', 'userAgent'] },
    'documents.markForOneDriveSync': { ...onDocument, call: (p, i, c) => p.documents.markForOneDriveSync(c, i) },
    'documents.recordOneDriveUpload': [
      {
        call: (p, i, c) => p.documents.recordOneDriveUpload(c, i),
        valid: { outcome: 'succeeded', documentId, driveItemId: 'D1!400', cTag: 'c1', eTag: 'e1' },
        bounded: ['outcome', 'documentId', 'driveItemId', 'cTag', 'eTag'],
      },
      {
        call: (p, i, c) => p.documents.recordOneDriveUpload(c, i),
        valid: { outcome: 'failed', documentId, reason: 'The upload timed out.' },
        bounded: ['outcome', 'documentId', 'reason'],
      },
    ],
    'documents.applySyncedChange': [
      {
        call: (p, i, c) => p.documents.applySyncedChange(c, i),
        valid: { clientId, driveItemId: 'D1!401', change: upserted },
        bounded: ['clientId', 'driveItemId', 'change.kind', 'change.folderPath', 'change.name', 'change.cTag', 'change.eTag', ...contentPaths('change.content')],
      },
      {
        call: (p, i, c) => p.documents.applySyncedChange(c, i),
        valid: { clientId, driveItemId: 'D1!401', change: { kind: 'deleted' } },
        bounded: ['clientId', 'driveItemId', 'change.kind'],
      },
    ],
    'documents.getDocument': { ...onDocument, call: (p, i, c) => p.documents.getDocument(c, i) },
    'documents.list': {
      call: (p, i, c) => p.documents.list(c, i),
      valid: { clientId, cursor: encodeCursor(['Tax', 'Return.pdf', documentId]), limit: 10 },
      bounded: ['clientId', 'cursor', 'limit'],
    },
    'documents.trail': {
      call: (p, i, c) => p.documents.trail(c, i),
      valid: { documentId, cursor: encodeCursor([1_000_000]), limit: 10 },
      bounded: ['documentId', 'cursor', 'limit'],
    },

    'documents.heldContent': {
      call: (p, i, c) => p.documents.heldContent(c, i),
      valid: { contentHash: hashOf(1) },
      bounded: ['contentHash'],
    },

    'documents.shared': { call: (p, i, c) => p.documents.shared(c, i), valid: {}, bounded: [] },

    'audit.accessAsOf': {
      call: (p, i, c) => p.audit.accessAsOf(c, i),
      valid: { at: '2026-01-15T10:00:00+02:00', clientId, cursor: encodeCursor([clientId, contactId]), limit: 10 },
      bounded: ['at', 'clientId', 'cursor', 'limit'],
    },
    'audit.viewAsClient': {
      call: (p, i, c) => p.audit.viewAsClient(c, i),
      valid: { contactId, at: '2026-01-15T10:00:00Z' },
      bounded: ['contactId', 'at'],
    },

    'personalData.forgetContact': {
      call: (p, i, c) => p.personalData.forgetContact(c, i),
      valid: { clientId, contactId: 'nobody' },
      bounded: ['clientId', 'contactId'],
    },

    'audit.history': {
      call: (p, i, c) => p.audit.history(c, i),
      valid: { clientId, asOf: '2026-12-01T10:00:00+01:00', cursor: '999999', limit: 20 },
      bounded: ['clientId', 'asOf', 'cursor', 'limit'],
    },
    'audit.activity': {
      call: (p, i, c) => p.audit.activity(c, i),
      valid: { kinds: ['client', 'document'], cursor: '999999', limit: 20 },
      bounded: ['kinds', 'kinds.0', 'kinds.1', 'cursor', 'limit'],
    },
    'exports.activationCsv': {
      // Refused by the promise, before the stream is read: no chunk is asked for here.
      call: (p, i, c) => p.exports.activationCsv(c, i),
      valid: { asOf: '2026-01-15T10:00:00+01:00', bom: true },
      bounded: ['asOf'],
    },
  };
}
