import type { Branding } from './branding.js';
import type { FirmEvent, ReconnectReason, StaffRole } from './events.js';
import { companyNameKey } from './names.js';
import { premiumAppSelection, type PremiumApp } from './premium-apps.js';

export interface StaffUser {
  userId: string;
  name: string;
  email: string;
  role: StaffRole;
}

/** A company in its partner's list (its apps and admins live on the company's own stream). */
export interface ManagedCompanyEntry {
  companyId: string;
  name: string;
  nameKey: string;
}

export interface OneDriveConnection {
  status: 'not_connected' | 'connected' | 'needs_reconnect' | 'disconnected';
  /** The account last connected; kept after a disconnect to notice a change of account. */
  accountId: string | null;
  displayName: string | null;
  connectedBy: string | null;
  connectedAt: string | null;
  reason: ReconnectReason | null;
}

export interface FirmState {
  status: 'new' | 'active';
  id: string;
  name: string;
  staff: StaffUser[];
  /** The partner firm managing this one, for a managed company. */
  managedBy: string | null;
  premiumApps: PremiumApp[];
  partner: { enabled: boolean; licensingPartner: boolean };
  managedCompanies: ManagedCompanyEntry[];
  branding: Branding | null;
  oneDrive: OneDriveConnection;
  /** A reminder goes out a few days before an unaccepted invitation expires (on by default). */
  invitationReminders: boolean;
}

export const initialFirmState: FirmState = {
  status: 'new',
  id: '',
  name: '',
  staff: [],
  managedBy: null,
  premiumApps: [],
  partner: { enabled: false, licensingPartner: false },
  managedCompanies: [],
  branding: null,
  invitationReminders: true,
  oneDrive: { status: 'not_connected', accountId: null, displayName: null, connectedBy: null, connectedAt: null, reason: null },
};

export function evolveFirm(state: FirmState, event: FirmEvent): FirmState {
  switch (event.type) {
    case 'FirmCreated': {
      const { firmId, name, staff, managedBy, premiumApps } = event.data;
      return { ...state, status: 'active', id: firmId, name, staff: staff.map((s) => ({ ...s })), managedBy, premiumApps: [...premiumApps] };
    }
    case 'StaffUserAdded':
      return { ...state, staff: [...state.staff, { ...event.data.user, role: event.data.role }] };
    case 'StaffRoleChanged':
      return {
        ...state,
        staff: state.staff.map((s) => (s.userId === event.data.userId ? { ...s, role: event.data.role } : s)),
      };
    case 'StaffUserRemoved':
      return { ...state, staff: state.staff.filter((s) => s.userId !== event.data.userId) };
    case 'PartnerFeaturesEnabled':
      return { ...state, partner: { enabled: true, licensingPartner: event.data.licensingPartner } };
    case 'PartnerFeaturesDisabled':
      return { ...state, partner: { ...state.partner, enabled: false } };
    case 'LicensingPartnerStatusChanged':
      return { ...state, partner: { ...state.partner, licensingPartner: event.data.licensingPartner } };
    case 'ManagedCompanyCreated': {
      const { companyId, name } = event.data;
      return { ...state, managedCompanies: [...state.managedCompanies, { companyId, name, nameKey: companyNameKey(name) }] };
    }
    case 'PremiumAppSwitchedOn':
      return { ...state, premiumApps: premiumAppSelection([...state.premiumApps, event.data.app]) };
    case 'PremiumAppSwitchedOff':
      return { ...state, premiumApps: state.premiumApps.filter((app) => app !== event.data.app) };
    case 'BrandingChanged':
      return { ...state, branding: event.data.branding };
    case 'InvitationRemindersSet':
      return { ...state, invitationReminders: event.data.enabled };
    case 'BrandingCleared':
      return { ...state, branding: null };
    case 'OneDriveConnected': {
      const { accountId, displayName, connectedBy, connectedAt } = event.data;
      return { ...state, oneDrive: { status: 'connected', accountId, displayName, connectedBy, connectedAt, reason: null } };
    }
    case 'OneDriveAccountChanged':
      return state;
    case 'OneDriveNeedsReconnect':
      return { ...state, oneDrive: { ...state.oneDrive, status: 'needs_reconnect', reason: event.data.reason } };
    case 'OneDriveDisconnected':
      return { ...state, oneDrive: { ...state.oneDrive, status: 'disconnected', reason: null } };
    default:
      // An event type this version does not know leaves the state as it was.
      return state;
  }
}

/** The firm's partner admins (for a managed company: its company admins). */
export function partnerAdminsOf(state: FirmState): StaffUser[] {
  return state.staff.filter((s) => s.role === 'partner_admin');
}

/** The companies a partner firm manages, in the order they were created. */
export function managedCompaniesOf(state: FirmState): ManagedCompanyEntry[] {
  return state.managedCompanies;
}

/** True when partner branding applies: partner features on, licensing partner, branding set. */
export function hasActiveBranding(state: FirmState): boolean {
  return state.partner.enabled && state.partner.licensingPartner && state.branding !== null;
}
