import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import type { ClientCommand } from '../../src/client/commands.js';
import { clientDecider } from '../../src/client/decider.js';
import { contactsOf, displayNameOf, ownersOf } from '../../src/client/state.js';
import { spec } from '../support/decider-spec.js';
import * as b from './builders.js';

const client = spec(clientDecider);
const archivedGroup = [b.groupCreated([b.jane, b.john]), b.guestAdded(b.gina), b.clientArchived(['contact-jane', 'contact-john', 'contact-gina'])];

describe('archiving a client', () => {
  it('records every member contact id, so access can be closed without another read', () => {
    client
      .given(b.groupCreated([b.jane, b.john]), b.guestAdded(b.gina))
      .when(b.archiveClient())
      .then(b.clientArchived([b.jane.contactId, b.john.contactId, b.gina.contactId]));
  });

  it('refuses to archive twice', () => {
    client.given(...archivedGroup).when(b.archiveClient()).thenThrows('client.archived');
  });

  const changes: Array<[string, ClientCommand]> = [
    ['RenameClient', b.renameClient('New')],
    ['RecordPreliminaryData', b.recordData({ occupation: 'Nurse' })],
    ['RemovePreliminaryData', b.removeData(['occupation'])],
    ['ChangeSubscription', b.changeSubscription('pro')],
    ['AssignStaff', b.assignStaff('user-1')],
    ['UnassignStaff', b.unassignStaff('user-1')],
    ['AddOwner', b.addOwner(b.contactInput(b.gina))],
    ['AddGuest', b.addGuest(b.contactInput(b.gina))],
    ['RemoveMember', b.removeMember(b.gina.contactId)],
    ['RenameContact', b.renameContact(b.jane.contactId, 'Jane Doe')],
    ['AddContactEmail', b.addEmail(b.jane.contactId, 'jane@home.example')],
    ['RemoveContactEmail', b.removeEmail(b.john.contactId, 'john@work.example')],
  ];
  it.each(changes)('refuses %s on an archived client', (_name, command) => {
    client.given(...archivedGroup).when(command).thenThrows('client.archived');
  });

  it('keeps its history', () => {
    const state = fold(clientDecider, archivedGroup);
    expect(state.status).toBe('archived');
    expect(contactsOf(state).map((m) => m.contactId)).toEqual(['contact-jane', 'contact-john', 'contact-gina']);
  });
});

describe('restoring a client', () => {
  it('restores an archived client', () => {
    client.given(...archivedGroup).when(b.restoreClient()).then(b.clientRestored());
  });

  it('accepts changes again once restored', () => {
    client.given(...archivedGroup, b.clientRestored()).when(b.changeSubscription('pro')).then(b.subscriptionChanged('pro'));
  });

  it('refuses to restore a client that is not archived', () => {
    client.given(b.individualCreated()).when(b.restoreClient()).thenThrows('client.not_archived');
  });
});

describe('read helpers', () => {
  it('lists every owner of a group, co-owners added later included, before the guests', () => {
    const state = fold(clientDecider, [b.groupCreated([b.jane]), b.guestAdded(b.gina), b.ownerAdded(b.john)]);
    expect(ownersOf(state).map((m) => m.contactId)).toEqual(['contact-jane', 'contact-john']);
    expect(contactsOf(state).map((m) => [m.contactId, m.role])).toEqual([
      ['contact-jane', 'owner'],
      ['contact-john', 'owner'],
      ['contact-gina', 'guest'],
    ]);
  });

  it("shows an individual's owner name, and a group's own name", () => {
    expect(displayNameOf(fold(clientDecider, [b.individualCreated()]))).toBe('Jane Smith');
    expect(displayNameOf(fold(clientDecider, [b.groupCreated()]))).toBe('Smith Family');
  });
});
