/**
 * The history's wording: one line per event, in the firm's words. Rendered at query time from the
 * stored event, so a change of wording needs no rebuild. People are named as the firm knows them
 * now (through `Names`); everything else (emails, file and folder names) is the event's own value,
 * already redacted once its subject was forgotten.
 */
import type { ActivityKind } from '../../src/application/read-models.js';
import type { SharedItem } from '../../src/portal-access/shared-items.js';

/** How the wording names what an event only refers to by id. */
export interface Names {
  contact(id: string): string;
  staff(id: string): string;
  /** The document's name as it stood when the event happened (undefined: not known). */
  document(streamId: string, position: number): string | undefined;
  /** What kind of data subject an id is, for "Personal data of … erased". */
  subjectKind(id: string): 'contact' | 'client' | 'staff' | undefined;
}

export interface StoredEvent {
  type: string;
  streamId: string;
  position: number;
  data: any;
}

const kinds: Record<ActivityKind, readonly string[]> = {
  firm: [
    'FirmCreated',
    'PartnerFeaturesEnabled',
    'PartnerFeaturesDisabled',
    'LicensingPartnerStatusChanged',
    'ManagedCompanyCreated',
    'PremiumAppSwitchedOn',
    'PremiumAppSwitchedOff',
    'BrandingChanged',
    'BrandingCleared',
    'InvitationRemindersSet',
    'OneDriveConnected',
    'OneDriveAccountChanged',
    'OneDriveNeedsReconnect',
    'OneDriveDisconnected',
  ],
  staff: ['StaffUserAdded', 'StaffRoleChanged', 'StaffUserRemoved', 'StaffAssigned', 'StaffUnassigned'],
  client: ['ClientCreated', 'ClientRenamed', 'PreliminaryDataRecorded', 'PreliminaryDataRemoved', 'SubscriptionChanged', 'ClientArchived', 'ClientRestored'],
  member: ['OwnerAdded', 'GuestAdded', 'MemberRemoved', 'ContactRenamed', 'ContactEmailAdded', 'ContactEmailRemoved'],
  invitation: ['InvitationRequested', 'InvitationSent', 'InvitationAccepted', 'InvitationCancelled', 'InvitationDeliveryFailed'],
  mail: ['MailSent', 'MailDeliveryFailed'],
  access: [
    'PortalAccessOpened',
    'AccessNotificationRequested',
    'PortalAccessActivated',
    'PortalAccessClosed',
    'SharedSelectionChanged',
    'LoginEmailChanged',
    'ContactLoggedIn',
    'PasswordResetRequested',
    'PasswordReset',
  ],
  folder: ['FolderLinked', 'FolderRelinked', 'FolderUnlinked', 'FolderSynced', 'FolderSyncFailed'],
  document: [
    'DocumentAdded',
    'DocumentVersionAdded',
    'DocumentRenamed',
    'DocumentMoved',
    'DocumentRemoved',
    'DocumentMarkedForOneDriveSync',
    'DocumentUploadedToOneDrive',
    'DocumentOneDriveUploadFailed',
    'DocumentSyncConflictRecorded',
    'DocumentDownloaded',
    'DocumentViewed',
  ],
  personal_data: ['PersonalDataForgotten'],
};

const mailKinds: Record<string, string> = {
  invitation: 'invitation',
  invitation_reminder: 'invitation reminder',
  access_notice: 'portal access notice',
  upload_alert: 'upload alert',
};

const kindByType = new Map(Object.entries(kinds).flatMap(([kind, types]) => types.map((t) => [t, kind as ActivityKind] as const)));

/** The kind of activity an event type is (an unknown type counts as the firm's). */
export function kindOf(type: string): ActivityKind {
  return kindByType.get(type) ?? 'firm';
}

/** Every event type the wording knows. */
export const describedTypes: readonly string[] = [...kindByType.keys()];

/** Document events whose data names the document: where a download's or a view's wording finds the name. */
export const namingDocumentTypes = ['DocumentAdded', 'DocumentVersionAdded', 'DocumentRenamed', 'DocumentMoved', 'DocumentRemoved', 'DocumentMarkedForOneDriveSync'] as const;

const day = (instant: string) => instant.slice(0, 10);
const quoted = (name: string) => `“${name}”`;
const plan = (p: string) => (p === 'pro' ? 'Pro' : 'Starter');
const role = (r: string) => (r === 'partner_admin' ? 'partner admin' : 'staff');
const folder = (path: string) => (path === '' ? 'all documents' : path);
const list = (items: readonly string[]) => items.join(', ');

const invitationReasons: Record<string, string> = {
  withdrawn_by_firm: 'withdrawn by the firm',
  client_archived: 'client archived',
  member_removed: 'member removed',
  contact_forgotten: 'personal data erased',
};

const closeReasons: Record<string, string> = {
  access_window: 'access period ended',
  toggle: 'switched off',
  client_archived: 'client archived',
  contact_forgotten: 'personal data erased',
};

const origins: Record<string, string> = {
  client_upload: 'uploaded by the client',
  firm_upload: 'uploaded by the firm',
  onedrive_sync: 'added from OneDrive',
};

const reconnectReasons: Record<string, string> = {
  consent_revoked: 'consent revoked',
  token_expired: 'sign-in expired',
  account_unavailable: 'account unavailable',
};

function shared(items: readonly SharedItem[]): string {
  const folders = items.filter((i) => i.kind === 'folder').map((i) => folder(i.path));
  const documents = items.length - folders.length;
  if (documents === 0) return `Shared folders changed: ${list(folders)}`;
  const docs = `${documents} document${documents === 1 ? '' : 's'}`;
  return folders.length === 0 ? `Shared documents changed: ${docs}` : `Shared folders changed: ${list(folders)}; and ${docs}`;
}

function sharedOnOpen(items: readonly SharedItem[]): string {
  return shared(items).replace(/^Shared (folders|documents) changed: /, '');
}

/** The line the firm reads for one stored event. */
export function describe(event: StoredEvent, names: Names): string {
  const d = event.data;
  const contact = () => names.contact(d.contactId);
  const documentName = () => {
    const name = names.document(event.streamId, event.position);
    return name === undefined ? 'a document' : quoted(name);
  };
  switch (event.type) {
    // firm
    case 'FirmCreated':
      return `Firm ${quoted(d.name)} opened with partner admin ${list(d.staff.map((s: any) => names.staff(s.userId)))}`;
    case 'StaffUserAdded':
      return `Staff user ${names.staff(d.user.userId)} added as ${role(d.role)}`;
    case 'StaffRoleChanged':
      return `Staff user ${names.staff(d.userId)} is now ${role(d.role)}`;
    case 'StaffUserRemoved':
      return `Staff user ${names.staff(d.userId)} removed`;
    case 'PartnerFeaturesEnabled':
      return `Partner portal switched on${d.licensingPartner ? ' (licensing partner)' : ''}`;
    case 'PartnerFeaturesDisabled':
      return 'Partner portal switched off';
    case 'LicensingPartnerStatusChanged':
      return d.licensingPartner ? 'Firm is now a licensing partner' : 'Firm is no longer a licensing partner';
    case 'ManagedCompanyCreated':
      return `Managed company ${quoted(d.name)} created`;
    case 'PremiumAppSwitchedOn':
      return `Premium app ${d.app} switched on`;
    case 'PremiumAppSwitchedOff':
      return `Premium app ${d.app} switched off`;
    case 'BrandingChanged':
      return 'Branding changed';
    case 'BrandingCleared':
      return 'Branding reset to the default';
    case 'InvitationRemindersSet':
      return `Invitation reminders turned ${d.enabled ? 'on' : 'off'}`;
    case 'OneDriveConnected':
      return `OneDrive account ${d.displayName} connected by ${names.staff(d.connectedBy)}`;
    case 'OneDriveAccountChanged':
      return `Another OneDrive account connected; ${d.linkedClientIds.length} linked client folder(s) to link again`;
    case 'OneDriveNeedsReconnect':
      return `OneDrive needs to be reconnected (${reconnectReasons[d.reason] ?? d.reason})`;
    case 'OneDriveDisconnected':
      return `OneDrive disconnected by ${names.staff(d.disconnectedBy)}`;
    // client
    case 'ClientCreated': {
      const owners = d.owners.map((o: any) => names.contact(o.contactId));
      const called = d.name === null ? '' : ` ${quoted(d.name)}`;
      return `Client${called} created (${d.kind}, ${plan(d.subscription)} plan) with owner${owners.length > 1 ? 's' : ''} ${list(owners)}`;
    }
    case 'ClientRenamed':
      return `Client renamed to ${quoted(d.name)}`;
    case 'PreliminaryDataRecorded':
      return `Preliminary data recorded: ${list(Object.keys(d.fields))}`;
    case 'PreliminaryDataRemoved':
      return `Preliminary data removed: ${list(d.fieldNames)}`;
    case 'SubscriptionChanged':
      return `Subscription changed to ${plan(d.plan)}`;
    case 'StaffAssigned':
      return `Staff user ${names.staff(d.userId)} assigned`;
    case 'StaffUnassigned':
      return `Staff user ${names.staff(d.userId)} unassigned`;
    case 'ClientArchived':
      return 'Client archived';
    case 'ClientRestored':
      return 'Client restored';
    // members
    case 'OwnerAdded':
      return `Co-owner ${names.contact(d.contact.contactId)} added with ${list(d.contact.emails)}`;
    case 'GuestAdded':
      return `Guest ${names.contact(d.contact.contactId)} added with ${list(d.contact.emails)}`;
    case 'MemberRemoved':
      return `${d.role === 'owner' ? 'Co-owner' : 'Guest'} ${contact()} removed`;
    case 'ContactRenamed':
      return `Contact renamed to ${d.name}`;
    case 'ContactEmailAdded':
      return `Email ${d.email} added for ${contact()}`;
    case 'ContactEmailRemoved':
      return `Email ${d.email} removed for ${contact()}`;
    // invitations
    case 'InvitationRequested':
      return `Invitation requested for ${contact()} at ${d.email}`;
    case 'InvitationSent':
      return `Invitation ${d.reason === 'resend' ? 'sent again' : 'sent'} to ${d.email} (valid until ${day(d.expiresAt)})`;
    case 'InvitationAccepted':
      return `${contact()} accepted the invitation`;
    case 'InvitationCancelled':
      return `Invitation of ${contact()} cancelled (${invitationReasons[d.reason] ?? d.reason})`;
    case 'InvitationDeliveryFailed':
      return `Invitation of ${contact()} could not be delivered: ${d.reason}`;
    // mail
    case 'MailSent':
      return `Email sent to ${d.to}: ${mailKinds[d.kind] ?? d.kind}`;
    case 'MailDeliveryFailed':
      return `Email to ${d.to} could not be delivered (${mailKinds[d.kind] ?? d.kind}): ${d.reason}`;
    // portal access
    case 'PortalAccessOpened':
      return `Portal access ${d.reopened ? 'reopened' : 'opened'} for ${contact()} with login ${d.loginEmail}; shared: ${sharedOnOpen(d.sharedItems)}`;
    case 'AccessNotificationRequested':
      return `Portal access email to ${d.email} requested`;
    case 'PortalAccessActivated':
      return `${contact()} activated their portal access`;
    case 'PortalAccessClosed':
      return `Portal access closed for ${contact()} (${closeReasons[d.reason] ?? d.reason})`;
    case 'SharedSelectionChanged':
      return shared(d.sharedItems);
    case 'LoginEmailChanged':
      return `Login of ${contact()} changed from ${d.previousLoginEmail} to ${d.loginEmail}`;
    case 'ContactLoggedIn':
      return `${contact()} logged in`;
    case 'PasswordResetRequested':
      return `${contact()} asked for a password reset link (sent to ${d.email})`;
    case 'PasswordReset':
      return `${contact()} set a new password with a reset link`;
    // folder link
    case 'FolderLinked':
      return `OneDrive folder ${quoted(d.folderName)} linked`;
    case 'FolderRelinked':
      return `Linked to another OneDrive folder: ${quoted(d.folderName)}`;
    case 'FolderUnlinked':
      return 'OneDrive folder unlinked';
    case 'FolderSynced': {
      const counts = [[d.added, 'added'], [d.changed, 'changed'], [d.removed, 'removed']].filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`);
      const synced = `OneDrive folder synced (${d.itemCount} ${d.itemCount === 1 ? 'file' : 'files'}${counts.length > 0 ? `; ${counts.join(', ')}` : ''})`;
      return d.problem ? `${synced}. ${d.problem.message}` : synced;
    }
    case 'FolderSyncFailed':
      return `OneDrive folder sync failed: ${d.message}`;
    // documents
    case 'DocumentAdded':
      return `Document ${quoted(d.name)} ${origins[d.origin] ?? 'added'}`;
    case 'DocumentVersionAdded':
      return `Version ${d.version} of ${quoted(d.name)} ${origins[d.origin] ?? 'added'}`;
    case 'DocumentRenamed':
      return `Document ${quoted(d.previousName)} renamed to ${quoted(d.name)}`;
    case 'DocumentMoved':
      return `Document ${quoted(d.name)} moved from ${folder(d.previousFolderPath)} to ${folder(d.folderPath)}`;
    case 'DocumentRemoved':
      return `Document ${quoted(d.name)} removed`;
    case 'DocumentMarkedForOneDriveSync':
      return `Document ${quoted(d.name)} marked to sync to OneDrive`;
    case 'DocumentUploadedToOneDrive':
      if (d.sanitisedFrom && d.sanitisedTo) {
        return `${documentName().replace(/^a d/, 'A d')} copied to the client's OneDrive folder as ${quoted(d.sanitisedTo)}: OneDrive does not allow ${quoted(d.sanitisedFrom)}`;
      }
      return `${documentName().replace(/^a d/, 'A d')} copied to the client's OneDrive folder`;
    case 'DocumentOneDriveUploadFailed':
      return `Copying ${documentName()} to OneDrive failed: ${d.reason}`;
    case 'DocumentSyncConflictRecorded':
      if (d.oneDriveDeleted) return `${quoted(d.name)} deleted in OneDrive after it changed in the portal: the portal's version kept`;
      return `${quoted(d.name)} changed in the portal and in OneDrive: OneDrive's version kept, the portal's copied beside it as ${quoted(d.conflictName)}`;
    case 'DocumentDownloaded':
      return `${contact()} downloaded ${documentName()}`;
    case 'DocumentViewed':
      return `${contact()} viewed ${documentName()}`;
    // personal data
    case 'PersonalDataForgotten': {
      const whose = { contact: 'a client contact', client: 'the client', staff: 'a staff user' }[names.subjectKind(d.subjectId) ?? 'contact'];
      return `Personal data of ${whose} erased`;
    }
    default:
      return event.type;
  }
}
