import { describe, it } from 'vitest';
import { firmDecider } from '../../src/firm/decider.js';
import { spec } from '../support/decider-spec.js';
import {
  alice,
  appOff,
  appOn,
  asPlatform,
  asStaff,
  bob,
  carol,
  changeLicensingPartner,
  changePremiumApps,
  companyCreated,
  companySetUp,
  createManagedCompany,
  disablePartnerFeatures,
  enablePartnerFeatures,
  firmCreated,
  licensingChanged,
  partnerDisabled,
  partnerEnabled,
  staffAdded,
} from './builders.js';

const platform = spec(firmDecider, asPlatform);
const partnerAdmin = spec(firmDecider);

describe('switching partner features', () => {
  it('lets the platform switch partner features on', () => {
    platform.given(firmCreated()).when(enablePartnerFeatures()).then(partnerEnabled(false));
  });

  it('records whether the firm is a licensing partner', () => {
    platform.given(firmCreated()).when(enablePartnerFeatures(true)).then(partnerEnabled(true));
  });

  it('refuses to let the firm switch partner features on itself', () => {
    partnerAdmin.given(firmCreated()).when(enablePartnerFeatures()).thenThrows('firm.platform_only');
  });

  it('refuses other system processes', () => {
    spec(firmDecider, { actor: { kind: 'system', name: 'onedrive-sync' } })
      .given(firmCreated())
      .when(enablePartnerFeatures())
      .thenThrows('firm.platform_only');
  });

  it('decides nothing when partner features are already on as asked', () => {
    platform.given(firmCreated(), partnerEnabled(true)).when(enablePartnerFeatures(true)).then();
  });

  it('changes the licensing flag when enabling again with another flag', () => {
    platform.given(firmCreated(), partnerEnabled(false)).when(enablePartnerFeatures(true)).then(licensingChanged(true));
  });

  it('lets the platform switch partner features off', () => {
    platform.given(firmCreated(), partnerEnabled()).when(disablePartnerFeatures()).then(partnerDisabled());
  });

  it('refuses to let the firm switch partner features off', () => {
    partnerAdmin.given(firmCreated(), partnerEnabled()).when(disablePartnerFeatures()).thenThrows('firm.platform_only');
  });

  it('lets the platform change the licensing-partner flag', () => {
    platform.given(firmCreated(), partnerEnabled(false)).when(changeLicensingPartner(true)).then(licensingChanged(true));
  });

  it('refuses to change the licensing flag of a firm without partner features', () => {
    platform.given(firmCreated()).when(changeLicensingPartner(true)).thenThrows('firm.partner_features_disabled');
  });

  it('refuses to let the firm change its own licensing flag', () => {
    partnerAdmin.given(firmCreated(), partnerEnabled()).when(changeLicensingPartner(true)).thenThrows('firm.platform_only');
  });
});

describe('creating managed companies', () => {
  it('creates a company with the partner admin as its default admin', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled())
      .when(createManagedCompany({ name: ' Acme   Ltd ', premiumApps: ['crm', 'payroll', 'crm'] }))
      .then(companyCreated('id-1', 'Acme Ltd', [alice], ['payroll', 'crm']));
  });

  it('creates a company with the admins chosen, making new users where needed', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled())
      .when(createManagedCompany({ name: 'Acme Ltd', admins: [carol, { name: 'Dan New', email: 'Dan@Acme.example' }] }))
      .then(companyCreated('id-1', 'Acme Ltd', [carol, { userId: 'id-2', name: 'Dan New', email: 'dan@acme.example' }]));
  });

  it('uses the company id chosen by the application when it reserved the name', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled())
      .when(createManagedCompany({ companyId: 'company-7', name: 'Acme Ltd' }))
      .then(companyCreated('company-7', 'Acme Ltd'));
  });

  it('refuses a company without an admin', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled())
      .when(createManagedCompany({ name: 'Acme Ltd', admins: [] }))
      .thenThrows('validation.failed');
  });

  it('refuses an app outside the catalogue', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled())
      .when(createManagedCompany({ name: 'Acme Ltd', premiumApps: ['payroll', 'bitcoin' as 'payroll'] }))
      .thenThrows('validation.failed');
  });

  it('refuses a name the partner already manages, whatever its case and spacing', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled(), companyCreated('company-1', 'Acme Ltd'))
      .when(createManagedCompany({ name: 'ACME  ltd' }))
      .thenThrows('firm.company_name_taken');
  });

  it('refuses managed companies while partner features are off', () => {
    partnerAdmin.given(firmCreated()).when(createManagedCompany({ name: 'Acme Ltd' })).thenThrows('firm.partner_features_disabled');
  });

  it('refuses managed companies after the platform switched partner features off', () => {
    partnerAdmin
      .given(firmCreated(), partnerEnabled(), partnerDisabled())
      .when(createManagedCompany({ name: 'Acme Ltd' }))
      .thenThrows('firm.partner_features_disabled');
  });

  it('refuses a staff-role user', () => {
    spec(firmDecider, asStaff(bob.userId))
      .given(firmCreated(), staffAdded(bob), partnerEnabled())
      .when(createManagedCompany({ name: 'Acme Ltd' }))
      .thenThrows('firm.not_partner_admin');
  });

  it('refuses a non-staff actor', () => {
    platform.given(firmCreated(), partnerEnabled()).when(createManagedCompany({ name: 'Acme Ltd' })).thenThrows('firm.not_partner_admin');
  });
});

describe("editing a managed company's premium apps", () => {
  const managingAdmin = spec(firmDecider, asStaff('partner-admin-9'));

  it('switches apps on and off to match the selection', () => {
    managingAdmin
      .given(companySetUp([alice], ['payroll', 'crm']))
      .when(changePremiumApps(['reporting', 'payroll', 'expenses'], ['partner-admin-9']))
      .then(appOn('expenses'), appOn('reporting'), appOff('crm'));
  });

  it('decides nothing when the selection is unchanged', () => {
    managingAdmin.given(companySetUp([alice], ['payroll'])).when(changePremiumApps(['payroll'], ['partner-admin-9'])).then();
  });

  it('refuses someone who is not a partner admin of the managing partner', () => {
    managingAdmin.given(companySetUp()).when(changePremiumApps(['crm'], ['partner-admin-1'])).thenThrows('firm.not_managing_partner_admin');
  });

  it("refuses the company's own admins", () => {
    partnerAdmin.given(companySetUp([alice])).when(changePremiumApps(['crm'], [])).thenThrows('firm.not_managing_partner_admin');
  });

  it('refuses premium apps on a firm that is not a managed company', () => {
    partnerAdmin.given(firmCreated()).when(changePremiumApps(['crm'])).thenThrows('firm.not_managed_company');
  });
});
