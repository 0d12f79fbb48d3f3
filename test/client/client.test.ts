import { describe, it } from 'vitest';
import { clientDecider } from '../../src/client/decider.js';
import { spec } from '../support/decider-spec.js';
import {
  assignStaff,
  changeSubscription,
  clientRenamed,
  createGroup,
  createIndividual,
  dataRecorded,
  dataRemoved,
  groupCreated,
  inTenant,
  individualCreated,
  input,
  jane,
  john,
  recordData,
  removeData,
  renameClient,
  staffAssigned,
  staffUnassigned,
  subscriptionChanged,
  unassignStaff,
} from './builders.js';

const client = spec(clientDecider);
const asNew = (contact: typeof jane, contactId: string) => ({ ...contact, contactId });

describe('creating a client', () => {
  it('creates an individual client with one owner contact, on the starter plan', () => {
    client
      .given()
      .when(createIndividual({ name: ' Jane Smith ', emails: [' JANE@Smith.example '] }))
      .then(individualCreated(asNew(jane, 'id-1')));
  });

  it('creates a group client with its co-owners', () => {
    client
      .given()
      .when(createGroup([{ name: jane.name, emails: jane.emails }, { name: john.name, emails: john.emails }]))
      .then(groupCreated([asNew(jane, 'id-1'), asNew(john, 'id-2')]));
  });

  it('creates a client on the pro plan when asked', () => {
    client.given().when(createIndividual(undefined, { subscription: 'pro' })).then(individualCreated(asNew(jane, 'id-1'), 'pro'));
  });

  it('records preliminary data given before any invitation', () => {
    client
      .given()
      .when(createIndividual(undefined, { preliminaryData: { taxFileNumber: '123 456 789' } }))
      .then(individualCreated(asNew(jane, 'id-1')), dataRecorded({ taxFileNumber: '123 456 789' }));
  });

  it('refuses an individual client with two owners', () => {
    client
      .given()
      .when({ type: 'CreateClient', data: { clientId: 'client-1', kind: 'individual', owners: [input(jane), input(john)] } })
      .thenThrows('client.individual_has_one_owner');
  });

  it('refuses a client without an owner', () => {
    client.given().when(createGroup([])).thenThrows('validation.failed');
  });

  it('refuses a group without a name', () => {
    client
      .given()
      .when({ type: 'CreateClient', data: { clientId: 'client-1', kind: 'group', owners: [input(jane)] } })
      .thenThrows('client.group_name_required');
  });

  it('refuses a contact without an email address', () => {
    client.given().when(createIndividual({ name: 'Jane', emails: [] })).thenThrows('validation.failed');
  });

  it('refuses an invalid email address', () => {
    client.given().when(createIndividual({ name: 'Jane', emails: ['jane@'] })).thenThrows('validation.failed');
  });

  it('refuses the same email address twice in one contact', () => {
    client.given().when(createIndividual({ name: 'Jane', emails: ['jane@smith.example', 'JANE@smith.example'] })).thenThrows('client.duplicate_email');
  });

  it('refuses to create a client twice', () => {
    client.given(individualCreated()).when(createIndividual()).thenThrows('client.already_exists');
  });
});

describe('acting on a client', () => {
  it('refuses a client that does not exist', () => {
    client.given().when(changeSubscription('pro')).thenThrows('client.not_found');
  });

  it("refuses another firm's client", () => {
    spec(clientDecider, inTenant('firm-2')).given(individualCreated()).when(changeSubscription('pro')).thenThrows('client.not_found');
  });

  it('renames a group', () => {
    client.given(groupCreated()).when(renameClient('The Smiths')).then(clientRenamed('The Smiths'));
  });

  it('decides nothing when the name is unchanged', () => {
    client.given(groupCreated()).when(renameClient('Smith Family')).then();
  });
});

describe('preliminary data', () => {
  it('records new and changed fields only', () => {
    client
      .given(individualCreated(), dataRecorded({ occupation: 'Nurse', dependants: '2' }))
      .when(recordData({ occupation: 'Nurse', dependants: '3', employer: 'St Vincent' }))
      .then(dataRecorded({ dependants: '3', employer: 'St Vincent' }));
  });

  it('decides nothing when no field changes', () => {
    client.given(individualCreated(), dataRecorded({ occupation: 'Nurse' })).when(recordData({ occupation: 'Nurse' })).then();
  });

  it('removes fields that are present', () => {
    client.given(individualCreated(), dataRecorded({ occupation: 'Nurse' })).when(removeData(['occupation', 'unknown'])).then(dataRemoved(['occupation']));
  });

  it('decides nothing when removing fields that are absent', () => {
    client.given(individualCreated()).when(removeData(['occupation'])).then();
  });

  it.each(['1st', 'with space', '_private', 'a'.repeat(65), ''])('refuses the field name "%s"', (name) => {
    client.given(individualCreated()).when(recordData({ [name]: 'x' })).thenThrows('validation.failed');
  });

  it('accepts a 64-character field name', () => {
    const name = 'a'.repeat(64);
    client.given(individualCreated()).when(recordData({ [name]: 'x' })).then(dataRecorded({ [name]: 'x' }));
  });

  it('refuses a value longer than 2,000 characters', () => {
    client.given(individualCreated()).when(recordData({ notes: 'x'.repeat(2001) })).thenThrows('validation.failed');
  });

  it('refuses more than 50 fields at once', () => {
    const fields = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x']));
    client.given(individualCreated()).when(recordData(fields)).thenThrows('validation.failed');
  });

  it('refuses fields that would take the client past 50', () => {
    const existing = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`f${i}`, 'x']));
    const more = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`g${i}`, 'y']));
    client.given(individualCreated(), dataRecorded(existing)).when(recordData(more)).thenThrows('client.too_many_preliminary_fields');
  });

  it('counts changed existing fields only once towards the limit', () => {
    const existing = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x']));
    client.given(individualCreated(), dataRecorded(existing)).when(recordData({ f0: 'changed' })).then(dataRecorded({ f0: 'changed' }));
  });
});

describe('subscription', () => {
  it('changes the subscription to pro', () => {
    client.given(individualCreated()).when(changeSubscription('pro')).then(subscriptionChanged('pro'));
  });

  it('decides nothing when the plan is unchanged', () => {
    client.given(individualCreated()).when(changeSubscription('starter')).then();
  });

  it('refuses an unknown plan', () => {
    client.given(individualCreated()).when(changeSubscription('gold' as 'pro')).thenThrows('validation.failed');
  });
});

describe('assigned staff', () => {
  it('assigns a staff user of the firm', () => {
    client.given(individualCreated()).when(assignStaff('user-2')).then(staffAssigned('user-2'));
  });

  it('refuses a user who is not staff of the same firm', () => {
    client.given(individualCreated()).when(assignStaff('user-elsewhere')).thenThrows('client.staff_not_in_firm');
  });

  it('decides nothing when already assigned', () => {
    client.given(individualCreated(), staffAssigned('user-2')).when(assignStaff('user-2')).then();
  });

  it('unassigns a staff user', () => {
    client.given(individualCreated(), staffAssigned('user-2')).when(unassignStaff('user-2')).then(staffUnassigned('user-2'));
  });

  it('decides nothing when unassigning someone not assigned', () => {
    client.given(individualCreated()).when(unassignStaff('user-2')).then();
  });
});
