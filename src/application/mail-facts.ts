/** What an email needs beyond its event: the firm, its branding, names, recipients and links. */
import { clientDecider } from '../client/decider.js';
import type { ClientState } from '../client/state.js';
import { documentDecider } from '../document/decider.js';
import { ERASED } from '../core/events.js';
import { effectiveBranding } from '../firm/effective-branding.js';
import type { FirmState } from '../firm/state.js';
import { partnerAdminsOf } from '../firm/state.js';
import type { MailFacts } from '../notifications/compose.js';
import type { MailIntent } from '../notifications/intents.js';
import { streams } from '../streams.js';
import type { AppContext } from './context.js';
import { loadFirm } from './firm-scope.js';
import { documentLink, loginLink, logoLink } from './mail-links.js';

/** One person an email goes to; `subjectId` is whose personal data the address is. */
export interface Recipient {
  subjectId: string;
  address: string;
  name?: string;
}

/** The firm's name and effective branding (a managed company shows its partner's), or null when it is gone. */
async function firmFacts(ctx: AppContext, firmId: string, publicUrl: string): Promise<Omit<MailFacts, 'loginUrl'> | null> {
  const firm = await loadFirm(ctx, firmId);
  if (firm === null) return null;
  const partner = firm.managedBy === null ? undefined : ((await loadFirm(ctx, firm.managedBy)) ?? undefined);
  const branding = effectiveBranding(firm, partner);
  return { firmName: firm.name, branding, logoUrl: branding.logo ? logoLink(publicUrl, firm.id) : null };
}

const clientName = (client: ClientState) => client.name ?? client.members[0]?.name ?? 'A client';

/** Who hears of a client's upload: its assigned staff, else the firm's partner admins. */
function uploadRecipients(firm: FirmState, client: ClientState): Recipient[] {
  const assigned = firm.staff.filter((s) => client.assignedStaff.includes(s.userId));
  const chosen = assigned.length > 0 ? assigned : partnerAdminsOf(firm);
  return chosen.map((s) => ({ subjectId: s.userId, address: s.email, name: s.name }));
}

/**
 * The facts and recipients of one intent, or null when there is nobody left to tell (the firm or
 * client is gone, the address was erased).
 */
export async function gatherFacts(
  ctx: AppContext,
  intent: MailIntent,
  publicUrl: string,
): Promise<{ facts: MailFacts; recipients: Recipient[] } | null> {
  const tenantId = intent.cause.tenantId;
  const firmPart = await firmFacts(ctx, tenantId, publicUrl);
  if (firmPart === null) return null;
  const facts: MailFacts = { ...firmPart, loginUrl: loginLink(publicUrl, tenantId) };
  if (intent.kind === 'upload_alert') {
    const firm = (await loadFirm(ctx, tenantId))!;
    const { state: client } = await ctx.load(clientDecider, streams.client(intent.clientId));
    if (client.status === 'new' || client.firmId !== tenantId) return null;
    const uploader = client.members.find((m) => m.contactId === intent.uploadedByContactId);
    const withNames = {
      ...facts,
      clientName: clientName(client),
      documentUrl: documentLink(publicUrl, intent.documentId),
      ...(uploader && uploader.name !== ERASED ? { uploaderName: uploader.name } : {}),
    };
    return { facts: withNames, recipients: uploadRecipients(firm, client).filter((r) => r.address !== ERASED) };
  }
  if (intent.email === ERASED) return null;
  const recipients = [{ subjectId: intent.contactId, address: intent.email }];
  if (intent.kind !== 'access_notice') return { facts, recipients };
  const documentNames: Record<string, string> = {};
  for (const item of intent.sharedItems) {
    if (item.kind !== 'document') continue;
    const { state } = await ctx.load(documentDecider, streams.document(item.documentId));
    if (state.status !== 'none' && state.name !== ERASED) documentNames[item.documentId] = state.name;
  }
  return { facts: { ...facts, documentNames }, recipients };
}
