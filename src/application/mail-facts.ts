/** What an email needs beyond its event: the firm, its branding, names, recipients and links. */
import { fold } from '../core/decider.js';
import { clientDecider } from '../client/decider.js';
import type { ClientState } from '../client/state.js';
import { documentDecider } from '../document/decider.js';
import { ERASED } from '../core/events.js';
import { effectiveBranding } from '../firm/effective-branding.js';
import type { FirmState, StaffUser } from '../firm/state.js';
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

/** The firm's name and effective branding (a managed company shows its partner's). */
async function firmFacts(ctx: AppContext, firm: FirmState, publicUrl: string): Promise<Omit<MailFacts, 'loginUrl'>> {
  const partner = firm.managedBy === null ? undefined : ((await loadFirm(ctx, firm.managedBy)) ?? undefined);
  const branding = effectiveBranding(firm, partner);
  return { firmName: firm.name, branding, logoUrl: branding.logo ? logoLink(publicUrl, firm.id) : null };
}

const clientName = (client: ClientState) => client.name ?? client.members[0]?.name ?? 'A client';

/** Who hears of a client's upload: its assigned staff, else the firm's partner admins (whose address was not erased). */
function uploadRecipients(firm: FirmState, client: ClientState): Recipient[] {
  const reachable = (staff: StaffUser[]) => staff.filter((s) => s.email !== ERASED);
  const assigned = reachable(firm.staff.filter((s) => client.assignedStaff.includes(s.userId)));
  const chosen = assigned.length > 0 ? assigned : reachable(partnerAdminsOf(firm));
  return chosen.map((s) => ({ subjectId: s.userId, address: s.email, ...(s.name !== ERASED ? { name: s.name } : {}) }));
}

/** A shared document's name, when it is this client's (a selection may name any id: nothing of another client or firm is read). */
async function sharedDocumentName(ctx: AppContext, tenantId: string, clientId: string, documentId: string): Promise<string | undefined> {
  const events = await ctx.log.readStream(streams.document(documentId));
  if (events.length === 0 || events.some((e) => e.metadata.tenantId !== tenantId)) return undefined;
  const state = fold(documentDecider, events as never[]);
  return state.status !== 'none' && state.clientId === clientId && state.name !== ERASED ? state.name : undefined;
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
  const firm = await loadFirm(ctx, tenantId);
  if (firm === null) return null;
  const facts: MailFacts = { ...(await firmFacts(ctx, firm, publicUrl)), loginUrl: loginLink(publicUrl, tenantId) };
  if (intent.kind === 'upload_alert') {
    const { state: client } = await ctx.load(clientDecider, streams.client(intent.clientId));
    if (client.status === 'new' || client.firmId !== tenantId) return null;
    const uploader = client.members.find((m) => m.contactId === intent.uploadedByContactId);
    const withNames = {
      ...facts,
      clientName: clientName(client),
      documentUrl: documentLink(publicUrl, intent.documentId),
      ...(uploader && uploader.name !== ERASED ? { uploaderName: uploader.name } : {}),
    };
    return { facts: withNames, recipients: uploadRecipients(firm, client) };
  }
  if (intent.email === ERASED) return null;
  const recipients = [{ subjectId: intent.contactId, address: intent.email }];
  if (intent.kind !== 'access_notice') return { facts, recipients };
  const documentNames: Record<string, string> = {};
  for (const item of intent.sharedItems) {
    if (item.kind !== 'document') continue;
    const name = await sharedDocumentName(ctx, tenantId, intent.clientId, item.documentId);
    if (name !== undefined) documentNames[item.documentId] = name;
  }
  return { facts: { ...facts, documentNames }, recipients };
}
