/**
 * What the live client list is told: the domain events that change what a row of the client list
 * shows, each under a stable kind, and the small message one becomes. Messages carry ids only —
 * names, emails and addresses stay in the log, and the page fetches the row — so nothing sent can
 * keep alive what a later forgetting erases.
 */
import type { ClientEventType } from '../../src/client/events.js';
import type { RecordedEvent } from '../../src/core/envelope.js';
import type { EventFilter } from '../../src/core/event-store.js';
import type { DocumentEvent } from '../../src/document/events.js';
import type { FolderLinkEvent } from '../../src/folder-link/events.js';
import type { InvitationEvent } from '../../src/invitation/events.js';
import type { PortalAccessEvent } from '../../src/portal-access/events.js';

type DomainEventType = ClientEventType | InvitationEvent['type'] | PortalAccessEvent['type'] | FolderLinkEvent['type'] | DocumentEvent['type'];

/** The events the client-list read model applies (its forgetting aside: see `changeFor`), by kind. */
const kinds = {
  ClientCreated: 'client.created',
  ClientRenamed: 'client.renamed',
  SubscriptionChanged: 'client.subscription_changed',
  StaffAssigned: 'client.staff_assigned',
  StaffUnassigned: 'client.staff_unassigned',
  ClientArchived: 'client.archived',
  ClientRestored: 'client.restored',
  OwnerAdded: 'member.added',
  GuestAdded: 'member.added',
  MemberRemoved: 'member.removed',
  ContactRenamed: 'member.renamed',
  ContactEmailAdded: 'member.emails_changed',
  ContactEmailRemoved: 'member.emails_changed',
  ContactLoggedIn: 'member.logged_in',
  InvitationSent: 'invitation.sent',
  InvitationAccepted: 'invitation.accepted',
  InvitationCancelled: 'invitation.cancelled',
  InvitationDeliveryFailed: 'invitation.delivery_failed',
  PortalAccessOpened: 'access.opened',
  PortalAccessActivated: 'access.activated',
  PortalAccessClosed: 'access.closed',
  LoginEmailChanged: 'access.login_email_changed',
  FolderLinked: 'folder.linked',
  FolderRelinked: 'folder.linked',
  FolderUnlinked: 'folder.unlinked',
  DocumentOneDriveUploadFailed: 'folder.sync_state',
  FolderSynced: 'folder.sync_state',
  FolderSyncFailed: 'folder.sync_state',
  DocumentAdded: 'document.added',
  DocumentRemoved: 'document.removed',
} as const satisfies Partial<Record<DomainEventType, string>>;

export type ChangeKind = (typeof kinds)[keyof typeof kinds];

/** Domain event type → kind. */
export const changeKinds: ReadonlyMap<string, ChangeKind> = new Map(Object.entries(kinds));

/** Every kind the stream may send. */
export const allChangeKinds: readonly ChangeKind[] = [...new Set(changeKinds.values())];

/**
 * The subscription's filter. One object for every stream: a store that prepares a query per filter
 * (SQLite) prepares it once. Prefixes also pass longer type names; `changeFor` checks the exact one.
 */
export const changeFilter: EventFilter = { eventTypePrefixes: [...changeKinds.keys()] };

/** One message of the stream: which client (and member) changed, and how. */
export interface ClientListChange {
  /** The event's global position, also the message's id: resume after it with Last-Event-ID. */
  position: number;
  kind: ChangeKind;
  clientId: string;
  contactId?: string;
  occurredAt: string;
}

/**
 * The change an event makes to the firm's client list, or null when it makes none there — an event
 * of another firm makes none. The firm is the metadata's tenant: invitation, portal-access,
 * folder-link and document streams name no firm in their data, but every event's envelope does.
 */
export function changeFor(firmId: string, event: RecordedEvent): ClientListChange | null {
  if (event.metadata.tenantId !== firmId) return null;
  const kind = changeKinds.get(event.type);
  if (kind === undefined) return null;
  // Ids are never encrypted, so the store's own form of the data is read here as it is.
  const data = event.data as { clientId?: unknown; contactId?: unknown; contact?: { contactId?: unknown } };
  if (typeof data.clientId !== 'string') return null;
  const contactId = data.contactId ?? data.contact?.contactId;
  return {
    position: event.position,
    kind,
    clientId: data.clientId,
    ...(typeof contactId === 'string' ? { contactId } : {}),
    occurredAt: event.metadata.occurredAt,
  };
}
