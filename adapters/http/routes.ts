/**
 * One route per function of createPortal: its method, path and who may call it. Path parameters
 * carry the input's own field names; the rest of the input is the JSON body for writes and the
 * query string for reads. `stream` names the resource's stream, for its ETag and If-Match.
 */
import type { OperationId } from '../../src/application/inputs.js';
import { streams } from '../../src/streams.js';

/** Who may call a route: the platform operator, a firm's staff, a client contact, or anyone (the emailed link, login). */
export type Audience = 'platform' | 'staff' | 'contact' | 'public';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  audience: readonly Audience[];
  summary: string;
  /** 201 for a create. */
  created?: true;
  stream?: (input: Record<string, string>) => string;
  /** Served by a content route (bytes in or out), not the JSON route. */
  content?: true;
}

const staff = ['staff'] as const;
const platform = ['platform'] as const;
const firmOrContact = ['staff', 'contact'] as const;
const onClient = (input: Record<string, string>) => streams.client(input.clientId!);
const onFirm = (input: Record<string, string>) => streams.firm(input.firmId!);
const onAccess = (input: Record<string, string>) => streams.portalAccess(input.contactId!);
const onDocument = (input: Record<string, string>) => streams.document(input.documentId!);
const onFolderLink = (input: Record<string, string>) => streams.folderLink(input.clientId!);

export const routes: Record<OperationId, RouteSpec> = {
  'firms.createFirm': { method: 'post', path: '/firms', audience: platform, created: true, summary: "Opens a firm with its first partner admin (returns that admin's API token)" },
  'firms.getFirm': { method: 'get', path: '/firms/{firmId}', audience: staff, stream: onFirm, summary: 'The firm (or a company it manages)' },
  'firms.addStaffUser': { method: 'post', path: '/firms/{firmId}/staff', audience: staff, created: true, stream: onFirm, summary: 'Adds a staff user' },
  'firms.changeStaffRole': { method: 'put', path: '/firms/{firmId}/staff/{userId}/role', audience: staff, stream: onFirm, summary: "Changes a staff user's role" },
  'firms.removeStaffUser': { method: 'delete', path: '/firms/{firmId}/staff/{userId}', audience: staff, stream: onFirm, summary: 'Removes a staff user (their API tokens stop working)' },
  'firms.enablePartnerFeatures': { method: 'put', path: '/firms/{firmId}/partner-features', audience: platform, stream: onFirm, summary: 'Switches the partner portal on' },
  'firms.disablePartnerFeatures': { method: 'delete', path: '/firms/{firmId}/partner-features', audience: platform, stream: onFirm, summary: 'Switches the partner portal off' },
  'firms.changeLicensingPartner': { method: 'put', path: '/firms/{firmId}/licensing-partner', audience: platform, stream: onFirm, summary: 'Makes a partner a licensing partner or not' },
  'firms.createManagedCompany': { method: 'post', path: '/managed-companies', audience: staff, created: true, summary: 'Creates a managed company' },
  'firms.listManagedCompanies': { method: 'get', path: '/managed-companies', audience: staff, summary: "The partner's managed companies" },
  'firms.changePremiumApps': { method: 'put', path: '/managed-companies/{companyId}/premium-apps', audience: staff, summary: "Toggles a company's premium apps" },
  'firms.addCompanyAdmin': { method: 'post', path: '/managed-companies/{companyId}/admins', audience: staff, created: true, summary: 'Adds a company admin' },
  'firms.removeCompanyAdmin': { method: 'delete', path: '/managed-companies/{companyId}/admins/{userId}', audience: ['staff', 'platform'], summary: 'Removes a company admin' },
  'firms.setBranding': { method: 'put', path: '/branding', audience: staff, summary: 'Sets the branding (logo, primary colour, support channel)' },
  'firms.clearBranding': { method: 'delete', path: '/branding', audience: staff, summary: 'Clears the branding' },
  'firms.setInvitationReminders': { method: 'put', path: '/settings/invitation-reminders', audience: staff, summary: 'Turns the reminder before an invitation expires on or off' },
  'firms.effectiveBrandingOf': { method: 'get', path: '/firms/{firmId}/branding', audience: firmOrContact, summary: 'The branding a firm shows (its partner’s when managed)' },
  'firms.connectOneDrive': { method: 'put', path: '/onedrive/connection', audience: staff, summary: 'Records the firm-wide OneDrive Personal connection' },
  'firms.markOneDriveNeedsReconnect': { method: 'post', path: '/onedrive/connection/needs-reconnect', audience: staff, summary: 'Marks the OneDrive connection as needing a reconnect' },
  'firms.disconnectOneDrive': { method: 'delete', path: '/onedrive/connection', audience: staff, summary: 'Disconnects OneDrive' },

  'clients.createClient': { method: 'post', path: '/clients', audience: staff, created: true, summary: 'Creates a client: an individual or a group' },
  'clients.getClient': { method: 'get', path: '/clients/{clientId}', audience: staff, stream: onClient, summary: 'A client with its members' },
  'clients.renameClient': { method: 'put', path: '/clients/{clientId}/name', audience: staff, stream: onClient, summary: 'Renames the client' },
  'clients.recordPreliminaryData': { method: 'patch', path: '/clients/{clientId}/preliminary-data', audience: staff, stream: onClient, summary: 'Adds or changes preliminary data fields' },
  'clients.removePreliminaryData': { method: 'post', path: '/clients/{clientId}/preliminary-data/remove', audience: staff, stream: onClient, summary: 'Removes preliminary data fields' },
  'clients.changeSubscription': { method: 'put', path: '/clients/{clientId}/subscription', audience: staff, stream: onClient, summary: 'Moves the client to pro or starter' },
  'clients.assignStaff': { method: 'post', path: '/clients/{clientId}/assigned-staff', audience: staff, stream: onClient, summary: 'Assigns a staff user' },
  'clients.unassignStaff': { method: 'delete', path: '/clients/{clientId}/assigned-staff/{userId}', audience: staff, stream: onClient, summary: 'Unassigns a staff user' },
  'clients.addOwner': { method: 'post', path: '/clients/{clientId}/owners', audience: staff, created: true, stream: onClient, summary: 'Adds a co-owner to a group' },
  'clients.addGuest': { method: 'post', path: '/clients/{clientId}/guests', audience: staff, created: true, stream: onClient, summary: 'Adds a guest (who is invited at once)' },
  'clients.removeMember': { method: 'delete', path: '/clients/{clientId}/members/{contactId}', audience: staff, stream: onClient, summary: 'Removes a member' },
  'clients.renameContact': { method: 'put', path: '/clients/{clientId}/members/{contactId}/name', audience: staff, stream: onClient, summary: 'Renames a member' },
  'clients.addContactEmail': { method: 'post', path: '/clients/{clientId}/members/{contactId}/emails', audience: staff, stream: onClient, summary: 'Adds an email address to a member' },
  'clients.removeContactEmail': { method: 'post', path: '/clients/{clientId}/members/{contactId}/emails/remove', audience: staff, stream: onClient, summary: "Removes one of a member's email addresses" },
  'clients.archiveClient': { method: 'post', path: '/clients/{clientId}/archive', audience: staff, stream: onClient, summary: 'Archives the client (closes access, cancels invitations)' },
  'clients.restoreClient': { method: 'post', path: '/clients/{clientId}/restore', audience: staff, stream: onClient, summary: 'Restores an archived client' },

  'invitations.inviteMember': { method: 'post', path: '/clients/{clientId}/members/{contactId}/invitation', audience: staff, summary: 'Invites one member (optionally with a digital form)' },
  'invitations.inviteOwners': { method: 'post', path: '/clients/{clientId}/invitations', audience: staff, summary: "Invites all of a client's owners" },
  'invitations.inviteInBulk': { method: 'post', path: '/invitations/bulk', audience: staff, summary: 'Invites many clients at once, with a result per client' },
  'invitations.resendInvitation': { method: 'post', path: '/contacts/{contactId}/invitation/resend', audience: staff, summary: 'Resends an invitation (the old link stops working)' },
  'invitations.cancelInvitation': { method: 'post', path: '/contacts/{contactId}/invitation/cancel', audience: staff, summary: 'Withdraws an invitation' },
  'invitations.acceptInvitation': { method: 'post', path: '/invitations/accept', audience: ['public'], summary: 'Accepts an invitation from the emailed link and sets a password (returns a session)' },
  'invitations.checkInvitationLink': { method: 'post', path: '/invitations/check', audience: ['public'], summary: 'Whether an emailed activation link works now (never why not)' },
  'invitations.memberStatus': { method: 'get', path: '/clients/{clientId}/members/{contactId}/status', audience: staff, summary: "A member's activation status, in the client list's words" },
  'invitations.clientMemberStatuses': { method: 'get', path: '/clients/{clientId}/member-statuses', audience: staff, summary: "Every member's activation status" },

  'access.openPortalAccess': { method: 'post', path: '/clients/{clientId}/members/{contactId}/portal-access', audience: staff, stream: onAccess, summary: 'Opens portal access with a login email and shared folders' },
  'access.getPortalAccess': { method: 'get', path: '/contacts/{contactId}/portal-access', audience: firmOrContact, stream: onAccess, summary: 'A contact’s portal access and toggle colour' },
  'access.changeSharedSelection': { method: 'put', path: '/contacts/{contactId}/portal-access/shared-items', audience: staff, stream: onAccess, summary: 'Changes which folders and documents are shared' },
  'access.changeLoginEmail': { method: 'put', path: '/contacts/{contactId}/portal-access/login-email', audience: staff, stream: onAccess, summary: 'Changes the login email' },
  'access.closePortalAccess': { method: 'post', path: '/contacts/{contactId}/portal-access/close', audience: staff, stream: onAccess, summary: 'Closes portal access (the contact’s sessions end)' },
  'access.logIn': { method: 'post', path: '/firms/{tenantId}/login', audience: ['public'], summary: "Logs a contact in on the firm's portal (a session cookie and token)" },
  'access.requestPasswordReset': { method: 'post', path: '/firms/{tenantId}/password-reset', audience: ['public'], summary: 'Mails a password reset link to the login email (the same answer whoever it belongs to; rate-limited)' },
  'access.checkPasswordResetLink': { method: 'post', path: '/password-reset/check', audience: ['public'], summary: 'Whether an emailed password reset link works now (never why not)' },
  'access.resetPassword': { method: 'post', path: '/password-reset/confirm', audience: ['public'], summary: 'Sets a new password with the emailed reset link (single use; returns a session; other sessions end)' },

  'folders.linkFolder': { method: 'put', path: '/clients/{clientId}/folder-link', audience: staff, stream: onFolderLink, summary: "Links the client's OneDrive folder" },
  'folders.saveAllFolderLinks': { method: 'post', path: '/folder-links', audience: staff, summary: 'Save all changes: links many folders, each row on its own' },
  'folders.unlinkFolder': { method: 'delete', path: '/clients/{clientId}/folder-link', audience: staff, stream: onFolderLink, summary: "Unlinks the client's folder" },
  'folders.recordFolderSync': { method: 'post', path: '/clients/{clientId}/folder-link/sync-reports', audience: staff, stream: onFolderLink, summary: "Records a finished sync round of the client's folder (the sync process only: staff get 403)" },
  'folders.recordFolderSyncFailure': { method: 'post', path: '/clients/{clientId}/folder-link/sync-failures', audience: staff, stream: onFolderLink, summary: "Records that the client's folder sync stopped on an error (the sync process only: staff get 403)" },
  'folders.getFolderLink': { method: 'get', path: '/clients/{clientId}/folder-link', audience: staff, stream: onFolderLink, summary: "The client's folder link" },

  'documents.uploadDocument': { method: 'post', path: '/clients/{clientId}/documents', audience: firmOrContact, created: true, content: true, summary: 'Uploads a document (the request body is the file)' },
  'documents.uploadNewVersion': { method: 'put', path: '/documents/{documentId}/content', audience: firmOrContact, stream: onDocument, content: true, summary: 'Uploads a new version (the request body is the file)' },
  'documents.renameDocument': { method: 'put', path: '/documents/{documentId}/name', audience: firmOrContact, stream: onDocument, summary: 'Renames a document' },
  'documents.moveDocument': { method: 'put', path: '/documents/{documentId}/folder', audience: firmOrContact, stream: onDocument, summary: 'Moves a document to another folder' },
  'documents.removeDocument': { method: 'delete', path: '/documents/{documentId}', audience: firmOrContact, stream: onDocument, summary: 'Removes a document (clients cannot remove firm files)' },
  'documents.recordDownload': { method: 'get', path: '/documents/{documentId}/content', audience: firmOrContact, content: true, summary: 'Downloads a document (recorded in its trail)' },
  'documents.recordView': { method: 'post', path: '/documents/{documentId}/views', audience: firmOrContact, content: true, summary: 'Records that a document was viewed' },
  'documents.markForOneDriveSync': { method: 'post', path: '/documents/{documentId}/onedrive-sync', audience: staff, stream: onDocument, summary: "Marks a document for 'Sync' to OneDrive" },
  'documents.recordOneDriveUpload': { method: 'post', path: '/documents/{documentId}/onedrive-upload', audience: staff, stream: onDocument, summary: 'Records the outcome of an upload to OneDrive' },
  'documents.applySyncedChange': { method: 'post', path: '/clients/{clientId}/synced-changes', audience: staff, summary: 'Applies one OneDrive change to the client’s documents' },
  'documents.getDocument': { method: 'get', path: '/documents/{documentId}', audience: firmOrContact, stream: onDocument, summary: 'One document' },
  'documents.list': { method: 'get', path: '/clients/{clientId}/documents', audience: staff, summary: "The client's current documents" },
  'documents.shared': { method: 'get', path: '/me/documents', audience: ['contact'], summary: 'What is shared with the signed-in contact now' },
  'documents.trail': { method: 'get', path: '/documents/{documentId}/trail', audience: staff, summary: 'Who downloaded or viewed a document' },
  'documents.heldContent': { method: 'get', path: '/held-content/{contentHash}', audience: staff, summary: 'Content the firm holds: a version of one of its documents has this hash (else 404)' },

  'audit.history': { method: 'get', path: '/clients/{clientId}/history', audience: staff, summary: "A client's history (optionally as of an instant)" },
  'audit.activity': { method: 'get', path: '/activity', audience: staff, summary: "The firm's activity feed" },
  'audit.accessAsOf': { method: 'get', path: '/audit/access', audience: staff, summary: 'Who had portal access at an instant' },
  'audit.viewAsClient': { method: 'get', path: '/contacts/{contactId}/view-as-client', audience: staff, summary: 'What a contact could see at an instant' },

  'personalData.forgetContact': { method: 'post', path: '/clients/{clientId}/members/{contactId}/forget', audience: staff, summary: "Erases a contact's personal data" },
  'clientList.search': { method: 'get', path: '/client-list', audience: staff, summary: 'The client list: search, filters, sort, pages' },
  'clientList.folders': { method: 'get', path: '/client-list/folders', audience: staff, summary: 'Connect client folders: every client with its folder link' },
  'exports.activationCsv': { method: 'get', path: '/exports/activation.csv', audience: staff, content: true, summary: 'The client list as CSV (optionally as of an instant)' },
};
