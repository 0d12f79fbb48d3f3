import type { DecisionContext } from '../../src/core/decider.js';
import type { FirmCommand } from '../../src/firm/commands.js';
import type { FirmEvent, StaffRole } from '../../src/firm/events.js';
import type { Branding } from '../../src/firm/branding.js';
import type { PremiumApp } from '../../src/firm/premium-apps.js';

type EventOf<T extends FirmEvent['type']> = Extract<FirmEvent, { type: T }>;
const event = <T extends FirmEvent['type']>(type: T, data: EventOf<T>['data']) => ({ type, data }) as EventOf<T>;

export const firmId = 'firm-1';
export const partnerFirmId = 'firm-partner';

export const alice = { userId: 'user-1', name: 'Alice Partner', email: 'alice@smith.example' };
export const bob = { userId: 'user-2', name: 'Bob Staff', email: 'bob@smith.example' };
export const carol = { userId: 'user-3', name: 'Carol Admin', email: 'carol@smith.example' };

// Contexts: who acts (the default test context is staff user-1, Alice, in tenant firm-1).
export const asPlatform: Partial<DecisionContext> = { actor: { kind: 'platform', operatorId: 'operator-1' } };
export const asSync: Partial<DecisionContext> = { actor: { kind: 'system', name: 'onedrive-sync' } };
export const asStaff = (userId: string): Partial<DecisionContext> => ({ actor: { kind: 'staff', userId } });
export const asContact: Partial<DecisionContext> = { actor: { kind: 'contact', contactId: 'contact-1' } };
export const inTenant = (tenantId: string, userId = alice.userId): Partial<DecisionContext> => ({
  tenantId,
  actor: { kind: 'staff', userId },
});

// Events
export const firmCreated = (staff = [{ ...alice, role: 'partner_admin' as StaffRole }]) =>
  event('FirmCreated', { firmId, name: 'Smith & Co', staff, managedBy: null, premiumApps: [] });
export const companySetUp = (admins = [alice], premiumApps: PremiumApp[] = ['payroll']) =>
  event('FirmCreated', {
    firmId,
    name: 'Acme Ltd',
    staff: admins.map((a) => ({ ...a, role: 'partner_admin' as StaffRole })),
    managedBy: partnerFirmId,
    premiumApps,
  });
export const staffAdded = (user: { userId: string; name: string; email: string }, role: StaffRole = 'staff') =>
  event('StaffUserAdded', { firmId, user, role });
export const roleChanged = (userId: string, role: StaffRole) => event('StaffRoleChanged', { firmId, userId, role });
export const staffRemoved = (userId: string) => event('StaffUserRemoved', { firmId, userId });
export const partnerEnabled = (licensingPartner = false) => event('PartnerFeaturesEnabled', { firmId, licensingPartner });
export const partnerDisabled = () => event('PartnerFeaturesDisabled', { firmId });
export const licensingChanged = (licensingPartner: boolean) => event('LicensingPartnerStatusChanged', { firmId, licensingPartner });
export const companyCreated = (
  companyId: string,
  name: string,
  admins = [alice],
  premiumApps: PremiumApp[] = [],
) => event('ManagedCompanyCreated', { firmId, companyId, name, premiumApps, admins });
export const appOn = (app: PremiumApp) => event('PremiumAppSwitchedOn', { firmId, app });
export const appOff = (app: PremiumApp) => event('PremiumAppSwitchedOff', { firmId, app });
export const brandingChanged = (branding: Branding) => event('BrandingChanged', { firmId, branding });
export const brandingCleared = () => event('BrandingCleared', { firmId });
export const oneDriveConnected = (accountId = 'od-1', connectedBy = alice.userId) =>
  event('OneDriveConnected', { firmId, accountId, displayName: 'Smith & Co OneDrive', connectedBy, connectedAt: '2026-01-15T09:00:00.000Z' });
export const oneDriveAccountChanged = (previousAccountId: string, accountId: string, linkedClientIds: string[]) =>
  event('OneDriveAccountChanged', { firmId, previousAccountId, accountId, linkedClientIds });
export const oneDriveNeedsReconnect = (accountId = 'od-1', reason: 'consent_revoked' | 'token_expired' = 'consent_revoked') =>
  event('OneDriveNeedsReconnect', { firmId, accountId, reason, detectedAt: '2026-01-15T09:00:00.000Z' });
export const oneDriveDisconnected = (accountId = 'od-1', disconnectedBy = alice.userId) =>
  event('OneDriveDisconnected', { firmId, accountId, disconnectedBy, disconnectedAt: '2026-01-15T09:00:00.000Z' });

export const brandBlue: Branding = {
  logo: { blobRef: 'blob-logo-1', contentType: 'image/png', size: 20_000 },
  primaryColour: '#1a2b3c',
  supportChannel: { kind: 'email', address: 'help@smith.example' },
};

// Commands
type CommandOf<T extends FirmCommand['type']> = Extract<FirmCommand, { type: T }>;
const command = <T extends FirmCommand['type']>(type: T, data: CommandOf<T>['data']) => ({ type, data }) as CommandOf<T>;

export const createFirm = (name = 'Smith & Co', partnerAdmin: { userId?: string; name: string; email: string } = alice) =>
  command('CreateFirm', { name, partnerAdmin });
export const setUpManagedCompany = (data: Partial<CommandOf<'SetUpManagedCompany'>['data']> = {}) =>
  command('SetUpManagedCompany', {
    name: 'Acme Ltd',
    managedBy: partnerFirmId,
    premiumApps: ['payroll'],
    admins: [alice],
    partnerAdminIds: [alice.userId],
    ...data,
  });
export const addStaffUser = (
  user: { userId?: string; name: string; email: string },
  role?: StaffRole,
  partnerAdminIds?: string[],
) => command('AddStaffUser', { user, role, partnerAdminIds });
export const changeStaffRole = (userId: string, role: StaffRole, partnerAdminIds?: string[]) =>
  command('ChangeStaffRole', { userId, role, partnerAdminIds });
export const removeStaffUser = (userId: string, partnerAdminIds?: string[]) => command('RemoveStaffUser', { userId, partnerAdminIds });
export const enablePartnerFeatures = (licensingPartner?: boolean) => command('EnablePartnerFeatures', { licensingPartner });
export const disablePartnerFeatures = () => command('DisablePartnerFeatures', {});
export const changeLicensingPartner = (licensingPartner: boolean) => command('ChangeLicensingPartner', { licensingPartner });
export const createManagedCompany = (data: CommandOf<'CreateManagedCompany'>['data']) => command('CreateManagedCompany', data);
export const changePremiumApps = (premiumApps: PremiumApp[], partnerAdminIds = [alice.userId]) =>
  command('ChangePremiumApps', { premiumApps, partnerAdminIds });
export const setBranding = (data: Partial<CommandOf<'SetBranding'>['data']> = {}) =>
  command('SetBranding', {
    logo: { blobRef: 'blob-logo-1', contentType: 'image/png', size: 20_000 },
    primaryColour: '#1A2B3C',
    supportChannel: 'Help@Smith.example',
    ...data,
  });
export const clearBranding = () => command('ClearBranding', {});
export const connectOneDrive = (data: Partial<CommandOf<'ConnectOneDrive'>['data']> = {}) =>
  command('ConnectOneDrive', { accountId: 'od-1', displayName: 'Smith & Co OneDrive', driveType: 'personal', ...data });
export const markNeedsReconnect = (reason: 'consent_revoked' | 'token_expired' | 'account_unavailable' = 'consent_revoked') =>
  command('MarkOneDriveNeedsReconnect', { reason });
export const disconnectOneDrive = () => command('DisconnectOneDrive', {});
