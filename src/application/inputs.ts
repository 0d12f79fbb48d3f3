/**
 * The input schema of every function of createPortal, by `area.name`: what a wire adapter (HTTP)
 * validates and documents, so the library and the wire cannot drift. The type below makes a
 * function without an entry a compile error.
 */
import type { z } from 'zod';
import { acceptInvitationInput, invitationLinkInput } from './accept-invitation.js';
import * as passwordReset from './password-reset.js';
import * as access from './access.js';
import * as auditAccess from './audit-access.js';
import * as auditHistory from './audit-history.js';
import * as clientList from './client-list.js';
import * as members from './client-members.js';
import * as clients from './clients.js';
import * as documentViews from './document-views.js';
import * as documents from './documents.js';
import { activationCsvInput } from './exports.js';
import * as firms from './firms.js';
import * as folders from './folders.js';
import { noInput } from './input.js';
import * as invitations from './invitations.js';
import * as companies from './managed-companies.js';
import * as onedrive from './onedrive-connection.js';
import { forgetContactInput } from './personal-data.js';
import type { Portal } from './portal.js';
import { setBranding, markOneDriveNeedsReconnect, setInvitationReminders } from '../firm/commands.js';
import { cancelInvitationData } from '../invitation/commands.js';
import { editSharedSelectionData } from '../portal-access/commands.js';
import { moveDocumentData, removeDocumentData, renameDocumentData, uploadNewVersionData } from '../document/commands.js';
import { recordFolderSyncData, recordFolderSyncFailureData, unlinkFolderData } from '../folder-link/commands.js';

type Areas = Omit<Portal, 'log' | 'readiness' | 'mailProcess'>;
/** `area.name` of every function of createPortal, e.g. 'clients.createClient'. */
export type OperationId = { [A in keyof Areas]: `${A & string}.${keyof Areas[A] & string}` }[keyof Areas];

export const operationInputs: Record<OperationId, z.ZodType> = {
  'firms.createFirm': firms.createFirmInput,
  'firms.getFirm': firms.onFirmOrOwn,
  'firms.addStaffUser': firms.addStaffUserInput,
  'firms.changeStaffRole': firms.changeStaffRoleInput,
  'firms.removeStaffUser': firms.removeStaffUserInput,
  'firms.enablePartnerFeatures': firms.enablePartnerFeaturesInput,
  'firms.disablePartnerFeatures': firms.disablePartnerFeaturesInput,
  'firms.changeLicensingPartner': firms.changeLicensingPartnerInput,
  'firms.createManagedCompany': companies.createManagedCompanyInput,
  'firms.listManagedCompanies': noInput,
  'firms.changePremiumApps': companies.changePremiumAppsInput,
  'firms.addCompanyAdmin': firms.addCompanyAdminInput,
  'firms.removeCompanyAdmin': firms.removeCompanyAdminInput,
  'firms.setBranding': setBranding,
  'firms.clearBranding': noInput,
  'firms.setInvitationReminders': setInvitationReminders,
  'firms.effectiveBrandingOf': firms.onFirmOrOwn,
  'firms.connectOneDrive': onedrive.connectOneDriveInput,
  'firms.markOneDriveNeedsReconnect': markOneDriveNeedsReconnect,
  'firms.disconnectOneDrive': noInput,

  'clients.createClient': clients.createClientInput,
  'clients.getClient': clients.onClientInput,
  'clients.renameClient': clients.renameClientInput,
  'clients.recordPreliminaryData': clients.recordPreliminaryDataInput,
  'clients.removePreliminaryData': clients.removePreliminaryDataInput,
  'clients.changeSubscription': clients.changeSubscriptionInput,
  'clients.assignStaff': clients.assignStaffInput,
  'clients.unassignStaff': clients.unassignStaffInput,
  'clients.addOwner': members.addOwnerInput,
  'clients.addGuest': members.addGuestInput,
  'clients.removeMember': members.removeMemberInput,
  'clients.renameContact': clients.renameContactInput,
  'clients.addContactEmail': clients.addContactEmailInput,
  'clients.removeContactEmail': clients.removeContactEmailInput,
  'clients.archiveClient': clients.onClientInput,
  'clients.restoreClient': clients.onClientInput,

  'invitations.inviteMember': invitations.inviteMemberInput,
  'invitations.inviteOwners': invitations.inviteOwnersInput,
  'invitations.inviteInBulk': invitations.inviteInBulkInput,
  'invitations.resendInvitation': invitations.resendInvitationInput,
  'invitations.cancelInvitation': cancelInvitationData,
  'invitations.acceptInvitation': acceptInvitationInput,
  'invitations.checkInvitationLink': invitationLinkInput,
  'invitations.memberStatus': invitations.memberStatusInput,
  'invitations.clientMemberStatuses': invitations.clientMemberStatusesInput,

  'access.openPortalAccess': access.openPortalAccessInput,
  'access.getPortalAccess': access.getPortalAccessInput,
  'access.changeSharedSelection': editSharedSelectionData,
  'access.changeLoginEmail': access.changeLoginEmailInput,
  'access.closePortalAccess': access.closePortalAccessInput,
  'access.logIn': access.logInInput,
  'access.requestPasswordReset': passwordReset.requestPasswordResetInput,
  'access.checkPasswordResetLink': passwordReset.passwordResetLinkInput,
  'access.resetPassword': passwordReset.resetPasswordInput,

  'folders.linkFolder': folders.linkFolderByUrlInput,
  'folders.saveAllFolderLinks': folders.saveAllByUrlInput,
  'folders.unlinkFolder': unlinkFolderData,
  'folders.getFolderLink': unlinkFolderData,
  'folders.recordFolderSync': recordFolderSyncData,
  'folders.recordFolderSyncFailure': recordFolderSyncFailureData,

  'documents.uploadDocument': documents.uploadDocumentInput,
  'documents.uploadNewVersion': uploadNewVersionData,
  'documents.renameDocument': renameDocumentData,
  'documents.moveDocument': moveDocumentData,
  'documents.removeDocument': removeDocumentData,
  'documents.recordDownload': documents.accessInput,
  'documents.recordView': documents.accessInput,
  'documents.markForOneDriveSync': documents.markForOneDriveSyncInput,
  'documents.recordOneDriveUpload': documents.oneDriveUploadOutcome,
  'documents.applySyncedChange': documents.applySyncedChangeInput,
  'documents.getDocument': removeDocumentData,
  'documents.list': documentViews.listInput,
  'documents.trail': documentViews.trailInput,
  'documents.heldContent': documentViews.heldContentInput,
  'documents.shared': noInput,

  'audit.history': auditHistory.historyInput,
  'audit.activity': auditHistory.activityInput,
  'audit.accessAsOf': auditAccess.accessAsOfInput,
  'audit.viewAsClient': auditAccess.viewAsClientInput,

  'personalData.forgetContact': forgetContactInput,
  'clientList.search': clientList.searchInput,
  'clientList.folders': clientList.foldersInput,
  'exports.activationCsv': activationCsvInput,
};
