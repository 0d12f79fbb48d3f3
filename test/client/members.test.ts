import { describe, it } from 'vitest';
import { clientDecider } from '../../src/client/decider.js';
import { spec } from '../support/decider-spec.js';
import {
  addEmail,
  addGuest,
  addOwner,
  contactInput,
  contactRenamed,
  emailAdded,
  emailRemoved,
  gina,
  groupCreated,
  guestAdded,
  individualCreated,
  invitationRequested,
  jane,
  john,
  memberRemoved,
  ownerAdded,
  removeEmail,
  removeMember,
  renameContact,
} from './builders.js';

const client = spec(clientDecider);

describe('owners', () => {
  it('adds a co-owner to a group', () => {
    client.given(groupCreated([jane])).when(addOwner(contactInput(john))).then(ownerAdded({ ...john, contactId: 'id-1' }));
  });

  it('refuses a second owner on an individual client', () => {
    client.given(individualCreated()).when(addOwner(contactInput(john))).thenThrows('client.individual_has_one_owner');
  });

  it('refuses a new owner with the same email address twice', () => {
    client
      .given(groupCreated())
      .when(addOwner({ name: 'John', emails: ['john@smith.example', ' John@Smith.example'] }))
      .thenThrows('client.duplicate_email');
  });
});

describe('guests', () => {
  it('adds a guest and requests their invitation automatically', () => {
    const guest = { ...gina, contactId: 'id-1' };
    client.given(individualCreated()).when(addGuest(contactInput(gina))).then(guestAdded(guest), invitationRequested(guest));
  });

  it('invites a guest at their first email address', () => {
    const guest = { contactId: 'id-1', name: 'Gina', emails: ['gina@one.example', 'gina@two.example'] };
    client.given(groupCreated()).when(addGuest({ name: 'Gina', emails: ['Gina@One.example', 'gina@two.example'] })).then(guestAdded(guest), invitationRequested(guest));
  });

  it('adds a guest only once when the host chose its contact id (a retry decides nothing)', () => {
    const guest = { ...gina, contactId: 'guest-1' };
    client
      .given(individualCreated(), guestAdded(guest), invitationRequested(guest))
      .when(addGuest(contactInput(gina), 'guest-1'))
      .then();
  });

  it('refuses a guest without a name', () => {
    client.given(individualCreated()).when(addGuest({ name: '  ', emails: gina.emails })).thenThrows('validation.failed');
  });
});

describe('removing members', () => {
  it('removes a guest', () => {
    client.given(individualCreated(), guestAdded(gina)).when(removeMember(gina.contactId)).then(memberRemoved(gina.contactId, 'guest'));
  });

  it('removes a co-owner while another owner remains', () => {
    client.given(groupCreated([jane, john])).when(removeMember(jane.contactId)).then(memberRemoved(jane.contactId, 'owner'));
  });

  it('refuses to remove the last owner', () => {
    client.given(groupCreated([jane]), guestAdded(gina)).when(removeMember(jane.contactId)).thenThrows('client.last_owner');
  });

  it("refuses to remove an individual client's owner", () => {
    client.given(individualCreated()).when(removeMember(jane.contactId)).thenThrows('client.last_owner');
  });

  it('refuses to remove someone who is not a member', () => {
    client.given(individualCreated()).when(removeMember('contact-unknown')).thenThrows('client.member_not_found');
  });
});

describe("a contact's name and email addresses", () => {
  it('renames a contact', () => {
    client.given(individualCreated()).when(renameContact(jane.contactId, 'Jane Doe')).then(contactRenamed(jane.contactId, 'Jane Doe'));
  });

  it('decides nothing when the name is unchanged', () => {
    client.given(individualCreated()).when(renameContact(jane.contactId, 'Jane Smith')).then();
  });

  it('refuses to rename someone who is not a member', () => {
    client.given(individualCreated()).when(renameContact('contact-unknown', 'X')).thenThrows('client.member_not_found');
  });

  it('adds an email address, normalised', () => {
    client.given(individualCreated()).when(addEmail(jane.contactId, ' Jane@Home.Example ')).then(emailAdded(jane.contactId, 'jane@home.example'));
  });

  it('decides nothing when the contact already has that address', () => {
    client.given(individualCreated()).when(addEmail(jane.contactId, 'JANE@smith.example')).then();
  });

  it('refuses an invalid email address', () => {
    client.given(individualCreated()).when(addEmail(jane.contactId, 'jane at home')).thenThrows('validation.failed');
  });

  it('refuses more than 10 email addresses for one contact', () => {
    const extra = Array.from({ length: 9 }, (_, i) => emailAdded(jane.contactId, `jane${i}@smith.example`));
    client.given(individualCreated(), ...extra).when(addEmail(jane.contactId, 'one-more@smith.example')).thenThrows('client.too_many_emails');
  });

  it('refuses an email address for someone who is not a member', () => {
    client.given(individualCreated()).when(addEmail('contact-unknown', 'x@y.example')).thenThrows('client.member_not_found');
  });

  it('removes an email address', () => {
    client.given(groupCreated([john])).when(removeEmail(john.contactId, 'john@work.example')).then(emailRemoved(john.contactId, 'john@work.example'));
  });

  it("refuses to remove a contact's last email address", () => {
    client.given(individualCreated()).when(removeEmail(jane.contactId, 'jane@smith.example')).thenThrows('client.last_email');
  });

  it('refuses to remove an email address the contact does not have', () => {
    client.given(groupCreated([john])).when(removeEmail(john.contactId, 'other@smith.example')).thenThrows('client.email_not_found');
  });
});
