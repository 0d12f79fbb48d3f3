import * as access from './access.js';
import * as auditAccess from './audit-access.js';
import * as auditHistory from './audit-history.js';
import * as clientList from './client-list.js';
import * as clients from './clients.js';
import { AppContext, type PortalDeps } from './context.js';
import * as documentViews from './document-views.js';
import * as documents from './documents.js';
import { activationCsv } from './exports.js';
import * as firms from './firms.js';
import * as folders from './folders.js';
import * as invitations from './invitations.js';
import { mailProcess, type MailProcessOptions } from './mail.js';
import * as passwordReset from './password-reset.js';
import * as personalData from './personal-data.js';

type Service = (ctx: AppContext, ...args: any[]) => unknown;
type Bound<S extends Record<string, Service>> = {
  [K in keyof S]: S[K] extends (ctx: AppContext, ...args: infer A) => infer R ? (...args: A) => R : never;
};

function bind<S extends Record<string, Service>>(ctx: AppContext, services: S): Bound<S> {
  return Object.fromEntries(Object.entries(services).map(([name, fn]) => [name, fn.bind(null, ctx)])) as Bound<S>;
}

/**
 * The library's face: one typed API over the ports. Every call returns a typed result or throws a
 * typed error (DomainError, ValidationError, NotFoundError, ConcurrencyError) with a stable code.
 * Process rules across aggregates run inside these calls, whichever event store is plugged in.
 */
export function createPortal(deps: PortalDeps) {
  const ctx = new AppContext(deps);
  return {
    /** The typed event log underneath (reads, subscriptions, projections). */
    log: ctx.log,
    /** Whether the store answers and the read models have caught up (a service's readiness). */
    readiness: () => ctx.readiness(),
    /**
     * The mail process over this portal's log (invitations, reminders, access notices, upload
     * alerts): feed it the log in order with a checkpoint (adapters/mail's startMailDelivery does).
     */
    mailProcess: (options: MailProcessOptions) => mailProcess(ctx, options),
    firms: bind(ctx, {
      createFirm: firms.createFirm,
      getFirm: firms.getFirm,
      addStaffUser: firms.addStaffUser,
      changeStaffRole: firms.changeStaffRole,
      removeStaffUser: firms.removeStaffUser,
      enablePartnerFeatures: firms.enablePartnerFeatures,
      disablePartnerFeatures: firms.disablePartnerFeatures,
      changeLicensingPartner: firms.changeLicensingPartner,
      createManagedCompany: firms.createManagedCompany,
      listManagedCompanies: firms.listManagedCompanies,
      changePremiumApps: firms.changePremiumApps,
      addCompanyAdmin: firms.addCompanyAdmin,
      removeCompanyAdmin: firms.removeCompanyAdmin,
      setBranding: firms.setBranding,
      clearBranding: firms.clearBranding,
      setInvitationReminders: firms.setInvitationReminders,
      effectiveBrandingOf: firms.effectiveBrandingOf,
      connectOneDrive: firms.connectOneDrive,
      markOneDriveNeedsReconnect: firms.markOneDriveNeedsReconnect,
      disconnectOneDrive: firms.disconnectOneDrive,
    }),
    clients: bind(ctx, {
      createClient: clients.createClient,
      getClient: clients.getClient,
      renameClient: clients.renameClient,
      recordPreliminaryData: clients.recordPreliminaryData,
      removePreliminaryData: clients.removePreliminaryData,
      changeSubscription: clients.changeSubscription,
      assignStaff: clients.assignStaff,
      unassignStaff: clients.unassignStaff,
      addOwner: clients.addOwner,
      addGuest: clients.addGuest,
      removeMember: clients.removeMember,
      renameContact: clients.renameContact,
      addContactEmail: clients.addContactEmail,
      removeContactEmail: clients.removeContactEmail,
      archiveClient: clients.archiveClient,
      restoreClient: clients.restoreClient,
    }),
    invitations: bind(ctx, {
      inviteMember: invitations.inviteMember,
      inviteOwners: invitations.inviteOwners,
      inviteInBulk: invitations.inviteInBulk,
      resendInvitation: invitations.resendInvitation,
      cancelInvitation: invitations.cancelInvitation,
      acceptInvitation: invitations.acceptInvitation,
      checkInvitationLink: invitations.checkInvitationLink,
      memberStatus: invitations.memberStatus,
      clientMemberStatuses: invitations.clientMemberStatuses,
    }),
    access: bind(ctx, {
      openPortalAccess: access.openPortalAccess,
      getPortalAccess: access.getPortalAccess,
      changeSharedSelection: access.changeSharedSelection,
      changeLoginEmail: access.changeLoginEmail,
      closePortalAccess: access.closePortalAccess,
      logIn: access.logIn,
      requestPasswordReset: passwordReset.requestPasswordReset,
      checkPasswordResetLink: passwordReset.checkPasswordResetLink,
      resetPassword: passwordReset.resetPassword,
    }),
    folders: bind(ctx, {
      linkFolder: folders.linkFolder,
      saveAllFolderLinks: folders.saveAllFolderLinks,
      unlinkFolder: folders.unlinkFolder,
      getFolderLink: folders.getFolderLink,
      recordFolderSync: folders.recordFolderSync,
      recordFolderSyncFailure: folders.recordFolderSyncFailure,
    }),
    documents: bind(ctx, {
      uploadDocument: documents.uploadDocument,
      uploadNewVersion: documents.uploadNewVersion,
      renameDocument: documents.renameDocument,
      moveDocument: documents.moveDocument,
      removeDocument: documents.removeDocument,
      recordDownload: documents.recordDownload,
      recordView: documents.recordView,
      markForOneDriveSync: documents.markForOneDriveSync,
      recordOneDriveUpload: documents.recordOneDriveUpload,
      applySyncedChange: documents.applySyncedChange,
      getDocument: documents.getDocument,
      list: documentViews.list,
      trail: documentViews.trail,
      heldContent: documentViews.heldContent,
      shared: documentViews.shared,
    }),
    audit: bind(ctx, {
      history: auditHistory.history,
      activity: auditHistory.activity,
      accessAsOf: auditAccess.accessAsOf,
      viewAsClient: auditAccess.viewAsClient,
    }),
    personalData: bind(ctx, { forgetContact: personalData.forgetContact }),
    clientList: bind(ctx, { search: clientList.search, folders: clientList.folders }),
    exports: bind(ctx, { activationCsv }),
  };
}

export type Portal = ReturnType<typeof createPortal>;
