import { describe, expect, it } from 'vitest';
import { actorRef, nameOf, personKindOf } from '../../../projections/read-models/people.js';
import { addGuest, addOwner, createClient, renameClient, renameContact } from '../../../src/application/clients.js';
import { addStaffUser } from '../../../src/application/firms.js';
import { forgetContact } from '../../../src/application/personal-data.js';
import { ERASED } from '../../../src/core/events.js';
import { testPortal, type TestPortal } from '../../support/portal.js';
import { firmWithPat } from './activity-support.js';

/** The people read model, caught up with every write. */
async function people(test: TestPortal) {
  await test.ctx.views();
  return test.readModels.db;
}

const rows = (test: TestPortal) => test.readModels.db.prepare('SELECT * FROM rm_people ORDER BY firm_id, kind, id').all();

describe('people: who is who in a firm, by their current name', () => {
  it('names staff users from the firm’s opening and from each one added', async () => {
    const test = testPortal();
    const { firmId, patId, pat } = await firmWithPat(test);
    const bob = await addStaffUser(test.ctx, pat, { firmId, user: { name: 'Bob Books', email: 'bob@firm.example' }, role: 'staff' });
    const db = await people(test);
    expect(nameOf(db, firmId, 'staff', patId)).toBe('Pat Partner');
    expect(nameOf(db, firmId, 'staff', bob.userId)).toBe('Bob Books');
    expect(personKindOf(db, firmId, bob.userId)).toBe('staff');
  });

  it('names contacts and clients, follows renames, and shows an individual by its owner’s name', async () => {
    const test = testPortal();
    const { firmId, pat } = await firmWithPat(test);
    const ann = await createClient(test.ctx, pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@x.example'] }] });
    const family = await createClient(test.ctx, pat, { kind: 'group', name: 'Owner Family', owners: [{ name: 'Olivia Owner', emails: ['olivia@x.example'] }] });
    const oscar = await addOwner(test.ctx, pat, { clientId: family.clientId, contact: { name: 'Oscar Owner', emails: ['oscar@x.example'] } });
    const gus = await addGuest(test.ctx, pat, { clientId: family.clientId, contact: { name: 'Gus Guest', emails: ['gus@x.example'] } });
    let db = await people(test);
    expect(nameOf(db, firmId, 'client', ann.clientId)).toBe('Ann Smith');
    expect(nameOf(db, firmId, 'client', family.clientId)).toBe('Owner Family');
    expect(nameOf(db, firmId, 'contact', oscar.contactId)).toBe('Oscar Owner');
    expect(nameOf(db, firmId, 'contact', gus.contactId)).toBe('Gus Guest');
    expect(personKindOf(db, firmId, family.clientId)).toBe('client');

    await renameContact(test.ctx, pat, { clientId: ann.clientId, contactId: ann.ownerIds[0]!, name: 'Ann Jones' });
    await renameClient(test.ctx, pat, { clientId: family.clientId, name: 'The Owners' });
    db = await people(test);
    expect(nameOf(db, firmId, 'contact', ann.ownerIds[0]!)).toBe('Ann Jones');
    expect(nameOf(db, firmId, 'client', family.clientId)).toBe('The Owners');
    // Ann's client has no name of its own: it is shown by her name as it is now.
    expect(nameOf(db, firmId, 'client', ann.clientId)).toBe('Ann Jones');
    await renameClient(test.ctx, pat, { clientId: ann.clientId, name: 'Jones Household' });
    await renameContact(test.ctx, pat, { clientId: ann.clientId, contactId: ann.ownerIds[0]!, name: 'Ann Brown' });
    db = await people(test);
    expect(nameOf(db, firmId, 'client', ann.clientId)).toBe('Jones Household');
  });

  it('reads a forgotten contact (and an individual client) as erased, live and after a rebuild', async () => {
    const test = testPortal();
    const { firmId, pat } = await firmWithPat(test);
    const ann = await createClient(test.ctx, pat, { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@x.example'] }] });
    const annId = ann.ownerIds[0]!;
    expect(nameOf(await people(test), firmId, 'contact', annId)).toBe('Ann Smith');
    await forgetContact(test.ctx, pat, { clientId: ann.clientId, contactId: annId });
    const db = await people(test);
    expect(nameOf(db, firmId, 'contact', annId)).toBe(ERASED);
    expect(nameOf(db, firmId, 'client', ann.clientId)).toBe(ERASED);
    expect(actorRef(db, firmId, { kind: 'contact', contactId: annId })).toEqual({ kind: 'contact', id: annId, name: ERASED });
    const live = rows(test);
    expect(JSON.stringify(live)).not.toContain('Ann Smith');
    await test.readModels.rebuild(['people']);
    expect(rows(test)).toEqual(live);
  });

  it('keeps firms apart: an id of another firm, or never seen, is shown as the id', async () => {
    const test = testPortal();
    const harbour = await firmWithPat(test, 'Harbour Accounting');
    const ridge = await firmWithPat(test, 'Ridge Tax');
    const db = await people(test);
    expect(nameOf(db, harbour.firmId, 'staff', ridge.patId)).toBe(ridge.patId);
    expect(nameOf(db, harbour.firmId, 'contact', 'nobody')).toBe('nobody');
    expect(personKindOf(db, harbour.firmId, ridge.patId)).toBeUndefined();
  });

  it('names actors: staff and contacts by their name, processes and the platform by what they are', async () => {
    const test = testPortal();
    const { firmId, patId } = await firmWithPat(test);
    const db = await people(test);
    expect(actorRef(db, firmId, { kind: 'staff', userId: patId })).toEqual({ kind: 'staff', id: patId, name: 'Pat Partner' });
    expect(actorRef(db, firmId, { kind: 'system', name: 'onedrive-sync' })).toEqual({ kind: 'system', id: 'onedrive-sync', name: 'OneDrive sync' });
    expect(actorRef(db, firmId, { kind: 'platform', operatorId: 'operator-1' })).toEqual({ kind: 'platform', id: 'operator-1', name: 'Platform operator' });
  });
});
