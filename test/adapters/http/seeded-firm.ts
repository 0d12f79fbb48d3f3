import fc from 'fast-check';
import type { testHttp } from './support.js';

type Http = ReturnType<typeof testHttp>;

/** Who a seeded firm's people and clients are, as the test chooses them. */
export interface FirmPlan {
  name: string;
  admin: { name: string; email: string };
  staff: { name: string; email: string };
  /** The first client's first owner gets active portal access and a session; the second owner (if any) pending access. */
  clients: Array<{ name: string; owners: Array<{ name: string; email: string }> }>;
  company: string;
  document: string;
}

/** A firm seeded over HTTP, with every id and credential a test reaches for. */
export interface SeededFirm {
  plan: FirmPlan;
  firmId: string;
  adminId: string;
  staffUserId: string;
  /** The first partner admin's API token. */
  token: string;
  clientIds: string[];
  contactIds: string[];
  /** Has active portal access and a live session. */
  activeContactId: string;
  contactToken: string;
  /** Another contact of the same firm (pending access when the first client has two owners, else none). */
  otherContactId: string;
  documentId: string;
  /** The document's content hash (its bytes name the firm, so no other firm holds them). */
  contentHash: string;
  companyId: string;
  staffTokenId: string;
  /** Everything of this firm a response to someone else must never show: ids, tokens, names, emails. */
  markers: string[];
}

/** A plan with fixed, recognisable names (each prefixed so two firms never share one). */
export function fixedPlan(tag: string): FirmPlan {
  return {
    name: `${tag} Accountants`,
    admin: { name: `${tag} Partner`, email: `partner@${tag.toLowerCase()}.example` },
    staff: { name: `${tag} Staffer`, email: `staffer@${tag.toLowerCase()}.example` },
    clients: [
      {
        name: `${tag} Family`,
        owners: [
          { name: `${tag} Olivia`, email: `olivia@${tag.toLowerCase()}-client.example` },
          { name: `${tag} Oscar`, email: `oscar@${tag.toLowerCase()}-client.example` },
        ],
      },
      { name: `${tag} Solo`, owners: [{ name: `${tag} Sam`, email: `sam@${tag.toLowerCase()}-client.example` }] },
    ],
    company: `${tag} Company`,
    document: `${tag} Return.pdf`,
  };
}

const stamp = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 6, maxLength: 6 });
const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzéøßñüçåæ', 'ł', 'ő', 'ж', 'λ', '李', '王');
const word = fc.string({ unit: letter, minLength: 2, maxLength: 9 }).map((w) => w[0]!.toUpperCase() + w.slice(1));
const name = fc.tuple(word, word).map(([first, last]) => `${first} ${last}`);
const person = fc.record({ name, email: fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z]{2,8}$/)) });

/**
 * A firm with random names: one to three clients, the first a group of two (one active contact, one
 * pending). Every name and email carries the firm's tag, its place in the plan and a random stamp,
 * so no two are equal and none is another firm's (even once fast-check shrinks the stamps).
 */
export function randomPlan(tag: string): fc.Arbitrary<FirmPlan> {
  return fc
    .record({
      stamp,
      name,
      admin: person,
      staff: person,
      first: fc.record({ name, owners: fc.tuple(person, person) }),
      rest: fc.array(fc.record({ name, owners: fc.array(person, { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),
      company: name,
      document: name,
    })
    .map((raw) => {
      let place = 0;
      const unique = (text: string) => `${text} ${tag}${++place}-${raw.stamp}`;
      const who = (p: { name: string; email: [string, string] }) => ({ name: unique(p.name), email: `${p.email[0]}.${tag}${++place}-${raw.stamp}@${p.email[1]}.example` });
      return {
        name: `${unique(raw.name)} LLP`,
        admin: who(raw.admin),
        staff: who(raw.staff),
        clients: [raw.first, ...raw.rest].map((c) => ({ name: unique(c.name), owners: [...c.owners].map(who) })),
        company: `${unique(raw.company)} Ltd`,
        document: `${unique(raw.document)}.pdf`,
      };
    });
}

const PASSWORD = 'correct horse battery';
const folderUrl = (n: string) => `https://onedrive.live.com/?id=ABCDEF1234567890%21${n}&cid=ABCDEF1234567890`;

/**
 * Seeds a firm through the wire (the operator opens it and switches partner features on; its partner
 * admin adds a staff user, clients, a managed company, a OneDrive link, opens the first owner's access
 * and the owner accepts the invitation) and one document through the library (no content route needed).
 */
export async function seedFirm(http: Http, plan: FirmPlan): Promise<SeededFirm> {
  const ok = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> }) => {
    const answer = await http.call(method, path, options);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const operator = await http.operator();
  const firm = await ok('POST', '/firms', { token: operator, body: { name: plan.name, partnerAdmin: plan.admin } });
  const { firmId, partnerAdminId: adminId, apiToken: token } = firm as { firmId: string; partnerAdminId: string; apiToken: string };
  await ok('PUT', `/firms/${firmId}/partner-features`, { token: operator, body: { licensingPartner: true } });
  const staff = await ok('POST', `/firms/${firmId}/staff`, { token, body: { user: plan.staff, role: 'staff' } });
  const staffUserId = String(staff.userId ?? staff.user?.userId ?? (await staffIdByEmail(http, token, firmId, plan.staff.email)));

  const clientIds: string[] = [];
  const contactIds: string[] = [];
  const ownersOf: string[][] = [];
  for (const client of plan.clients) {
    const kind = client.owners.length > 1 ? 'group' : 'individual';
    const owners = client.owners.map((o) => ({ name: o.name, emails: [o.email] }));
    const created = await ok('POST', '/clients', { token, body: { kind, name: client.name, owners } });
    clientIds.push(created.clientId);
    contactIds.push(...created.ownerIds);
    ownersOf.push(created.ownerIds);
  }
  const [clientId] = clientIds as [string];
  const [activeContactId, pendingContactId] = ownersOf[0] as [string, string | undefined];

  await ok('POST', `/clients/${clientId}/members/${activeContactId}/portal-access`, { token, body: { sharedItems: [{ kind: 'folder', path: 'Tax' }] } });
  const invitation = (await http.outbox.lastTo(activeContactId))!;
  const accepted = await ok('POST', '/invitations/accept', { body: { contactId: activeContactId, token: invitation.token, password: PASSWORD } });
  if (pendingContactId !== undefined) {
    await ok('POST', `/clients/${clientId}/members/${pendingContactId}/portal-access`, { token, body: { sharedItems: [{ kind: 'folder', path: 'Tax' }] } });
  }

  await ok('PUT', '/onedrive/connection', { token, body: { accountId: `od-${firmId}`, displayName: `${plan.name} OneDrive`, driveType: 'personal' } });
  http.folders.name(folderUrl(firmId.slice(0, 8)), `${plan.clients[0]!.name} folder`);
  await ok('PUT', `/clients/${clientId}/folder-link`, {
    token,
    body: { folderUrl: folderUrl(firmId.slice(0, 8)) },
  });
  const company = await ok('POST', '/managed-companies', { token, body: { name: plan.company } });
  const tokenInfo = await ok('POST', '/staff-tokens', { token, body: { userId: staffUserId, label: `${plan.name} integration` } });

  // A logo, so the public logo route has something to serve.
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  await ok('PUT', '/branding/logo', { token, body: png.toString('latin1'), headers: { 'content-type': 'image/png' } });
  // Through the content route, so its bytes are in the blob store for the download route.
  const uploaded = await ok('POST', `/clients/${clientId}/documents?folderPath=Tax&name=${encodeURIComponent(plan.document)}`, {
    token,
    body: `The bytes of ${plan.document} of ${firmId}`,
    headers: { 'content-type': 'application/octet-stream' },
  });

  const seeded = {
    plan,
    firmId,
    adminId,
    staffUserId,
    token,
    clientIds,
    contactIds,
    activeContactId,
    contactToken: accepted.session.token as string,
    otherContactId: pendingContactId ?? contactIds.find((id) => id !== activeContactId)!,
    documentId: uploaded.document.documentId,
    contentHash: uploaded.document.contentHash,
    companyId: String(company.companyId ?? company.firmId),
    staffTokenId: String(tokenInfo.tokenId ?? tokenInfo.id),
  };
  return { ...seeded, markers: markersOf(seeded) };
}

async function staffIdByEmail(http: Http, token: string, firmId: string, email: string): Promise<string> {
  const firm = await http.call('GET', `/firms/${firmId}`, { token });
  return firm.body.staff.find((s: { email: string }) => s.email === email).userId;
}

function markersOf(firm: Omit<SeededFirm, 'markers'>): string[] {
  const { plan } = firm;
  return [
    firm.firmId,
    firm.adminId,
    firm.staffUserId,
    ...firm.clientIds,
    ...firm.contactIds,
    firm.documentId,
    firm.companyId,
    firm.staffTokenId,
    firm.token,
    firm.contactToken,
    plan.name,
    plan.admin.name,
    plan.admin.email,
    plan.staff.name,
    plan.staff.email,
    plan.company,
    plan.document,
    ...plan.clients.flatMap((c) => [c.name, ...c.owners.flatMap((o) => [o.name, o.email])]),
  ];
}

/** The seeded firm's ids by the parameter or field name that holds one. */
export function idsByName(firm: SeededFirm): Record<string, string[]> {
  return {
    firmId: [firm.firmId],
    tenantId: [firm.firmId],
    companyId: [firm.companyId],
    clientId: firm.clientIds,
    contactId: firm.contactIds,
    documentId: [firm.documentId],
    contentHash: [firm.contentHash],
    userId: [firm.adminId, firm.staffUserId],
    assignedStaffId: [firm.adminId, firm.staffUserId],
    partnerAdminId: [firm.adminId],
    tokenId: [firm.staffTokenId],
  };
}
