import { describe, it } from 'vitest';
import { firmDecider } from '../../src/firm/decider.js';
import { spec } from '../support/decider-spec.js';
import {
  asPlatform,
  addStaffUser,
  alice,
  asContact,
  asStaff,
  bob,
  carol,
  changeStaffRole,
  companySetUp,
  createFirm,
  firmCreated,
  inTenant,
  removeStaffUser,
  roleChanged,
  setUpManagedCompany,
  staffAdded,
  staffRemoved,
} from './builders.js';

const firm = spec(firmDecider);
const platform = spec(firmDecider, asPlatform);

describe('creating a firm', () => {
  it('is refused to anyone but the platform operator', () => {
    firm.given().when(createFirm()).thenThrows('firm.platform_only');
    spec(firmDecider, { actor: { kind: 'system', name: 'signup' } }).given().when(createFirm()).thenThrows('firm.platform_only');
  });

  it('creates the firm with its first staff user as partner admin', () => {
    platform.given().when(createFirm('  Smith   &  Co ', { ...alice, email: ' Alice@Smith.EXAMPLE ' })).then(firmCreated());
  });

  it('makes a new user for the first partner admin when no user id is given', () => {
    platform
      .given()
      .when(createFirm('Smith & Co', { name: alice.name, email: alice.email }))
      .then(firmCreated([{ ...alice, userId: 'id-1', role: 'partner_admin' }]));
  });

  it('refuses to create a firm twice', () => {
    platform.given(firmCreated()).when(createFirm()).thenThrows('firm.already_exists');
  });

  it('refuses a blank firm name', () => {
    firm.given().when(createFirm('   ')).thenThrows('validation.failed');
  });

  it('refuses an invalid partner admin email', () => {
    firm.given().when(createFirm('Smith & Co', { ...alice, email: 'not-an-email' })).thenThrows('validation.failed');
  });
});

describe('staff users', () => {
  it('adds a staff user with the staff role by default', () => {
    firm.given(firmCreated()).when(addStaffUser(bob)).then(staffAdded(bob));
  });

  it('adds a staff user as partner admin', () => {
    firm.given(firmCreated()).when(addStaffUser(bob, 'partner_admin')).then(staffAdded(bob, 'partner_admin'));
  });

  it('refuses to act on a firm that does not exist', () => {
    firm.given().when(addStaffUser(bob)).thenThrows('firm.not_found');
  });

  it("refuses to act on another tenant's firm", () => {
    spec(firmDecider, inTenant('firm-other')).given(firmCreated()).when(addStaffUser(bob)).thenThrows('firm.not_found');
  });

  it('refuses staff management by a staff-role user', () => {
    spec(firmDecider, asStaff(bob.userId)).given(firmCreated(), staffAdded(bob)).when(addStaffUser(carol)).thenThrows('firm.not_partner_admin');
  });

  it('refuses staff management by a contact', () => {
    spec(firmDecider, asContact).given(firmCreated()).when(addStaffUser(carol)).thenThrows('firm.not_partner_admin');
  });

  it('refuses a second staff user with the same email address', () => {
    firm
      .given(firmCreated())
      .when(addStaffUser({ ...bob, email: 'ALICE@smith.example' }))
      .thenThrows('firm.staff_email_taken');
  });

  it('refuses to add the same user twice', () => {
    firm.given(firmCreated(), staffAdded(bob)).when(addStaffUser({ ...bob, email: 'b2@smith.example' })).thenThrows('firm.staff_already_added');
  });

  it("changes a staff user's role", () => {
    firm.given(firmCreated(), staffAdded(bob)).when(changeStaffRole(bob.userId, 'partner_admin')).then(roleChanged(bob.userId, 'partner_admin'));
  });

  it('decides nothing when the role is already the one asked for', () => {
    firm.given(firmCreated(), staffAdded(bob)).when(changeStaffRole(bob.userId, 'staff')).then();
  });

  it('demotes a partner admin while another remains', () => {
    firm
      .given(firmCreated(), staffAdded(bob, 'partner_admin'))
      .when(changeStaffRole(alice.userId, 'staff'))
      .then(roleChanged(alice.userId, 'staff'));
  });

  it('refuses to demote the last partner admin', () => {
    firm.given(firmCreated(), staffAdded(bob)).when(changeStaffRole(alice.userId, 'staff')).thenThrows('firm.last_partner_admin');
  });

  it('refuses to change the role of someone who is not on staff', () => {
    firm.given(firmCreated()).when(changeStaffRole('user-9', 'staff')).thenThrows('firm.staff_not_found');
  });

  it('removes a staff user', () => {
    firm.given(firmCreated(), staffAdded(bob)).when(removeStaffUser(bob.userId)).then(staffRemoved(bob.userId));
  });

  it('removes a partner admin while another remains', () => {
    firm.given(firmCreated(), staffAdded(bob, 'partner_admin')).when(removeStaffUser(alice.userId)).then(staffRemoved(alice.userId));
  });

  it('refuses to remove the last partner admin', () => {
    firm.given(firmCreated(), staffAdded(bob)).when(removeStaffUser(alice.userId)).thenThrows('firm.last_partner_admin');
  });

  it('refuses to remove someone who is not on staff', () => {
    firm.given(firmCreated(), staffAdded(bob), staffRemoved(bob.userId)).when(removeStaffUser(bob.userId)).thenThrows('firm.staff_not_found');
  });
});

describe("a managed company's own stream", () => {
  const company = spec(firmDecider);
  const partnerAdmin = spec(firmDecider, asStaff('partner-admin-9'));

  it('opens with its admins as partner admins, managed by the partner firm', () => {
    company.given().when(setUpManagedCompany({ admins: [alice, carol] })).then(companySetUp([alice, carol]));
  });

  it('refuses to set up a company by someone who is not a partner admin of the managing partner', () => {
    company.given().when(setUpManagedCompany({ partnerAdminIds: ['someone-else'] })).thenThrows('firm.not_managing_partner_admin');
  });

  it('refuses to set up a company without an admin', () => {
    company.given().when(setUpManagedCompany({ admins: [] })).thenThrows('validation.failed');
  });

  it('refuses to set up a company with two admins sharing an email address', () => {
    company.given().when(setUpManagedCompany({ admins: [alice, { ...carol, email: alice.email }] })).thenThrows('firm.staff_email_taken');
  });

  it('refuses to set up the same company twice', () => {
    company.given(companySetUp()).when(setUpManagedCompany()).thenThrows('firm.already_exists');
  });

  it("lets the managing partner's admin add a company admin", () => {
    partnerAdmin
      .given(companySetUp([alice]))
      .when(addStaffUser(carol, 'partner_admin', ['partner-admin-9']))
      .then(staffAdded(carol, 'partner_admin'));
  });

  it("refuses staff changes by a partner admin of another partner", () => {
    partnerAdmin.given(companySetUp([alice])).when(addStaffUser(carol, 'partner_admin', ['partner-admin-1'])).thenThrows('firm.not_partner_admin');
  });

  it('refuses to remove the last company admin', () => {
    partnerAdmin
      .given(companySetUp([alice]))
      .when(removeStaffUser(alice.userId, ['partner-admin-9']))
      .thenThrows('firm.last_partner_admin');
  });

  it('removes a company admin while another remains', () => {
    partnerAdmin
      .given(companySetUp([alice, carol]))
      .when(removeStaffUser(alice.userId, ['partner-admin-9']))
      .then(staffRemoved(alice.userId));
  });
});
