/**
 * The read side as the application sees it: queries over projections of the log, behind a port.
 * `projections/read-models/` implements it in SQLite. Every query is scoped to one firm by the
 * caller's tenant (the application passes it; an implementation never answers across firms), and
 * every time-dependent wording is computed from stored instants at `now`, never by a timer.
 * Instants are ISO 8601 UTC strings (`Date#toISOString()`); "as of t" means: as the log stood once
 * every event whose `occurredAt` is at or before t had happened.
 */
import type { EventLog } from '../core/event-log.js';
import type { ClientKind, MemberRole, SubscriptionPlan } from '../client/events.js';
import type { DocumentOrigin } from '../document/events.js';
import type { SyncConflict } from '../document/state.js';
import type { MemberActivationStatus } from '../invitation/status.js';
import type { CloseReason } from '../portal-access/events.js';
import type { SharedItem } from '../portal-access/shared-items.js';

/** One page of a query; pass `nextCursor` back for the next page (null: this was the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** Opaque, from the previous page; a page after it stays right while rows change. */
  cursor?: string;
  limit: number;
}

/** Someone who did something, named as the firm knows them now ([erased] once forgotten). */
export interface ActorRef {
  kind: 'staff' | 'contact' | 'system' | 'platform';
  id: string;
  name: string;
}

// ---------------------------------------------------------------- client list

export type AccessStateFilter = 'none' | 'pending' | 'active' | 'closed';
export type InvitationStateFilter = MemberActivationStatus['state'];

export interface ClientListQuery extends PageRequest {
  /** Case- and accent-insensitive, inside words, over client and member names and emails. */
  text?: string;
  /** Clients with at least one member in this access state. */
  accessState?: AccessStateFilter;
  /** Clients with at least one member whose activation status (at `now`) is this. */
  invitationState?: InvitationStateFilter;
  assignedStaffId?: string;
  subscription?: SubscriptionPlan;
  linked?: boolean;
  /** false (default): current clients only; true: archived ones only. */
  archived: boolean;
  sort: 'name' | 'last_login' | 'invitation_date';
  order: 'asc' | 'desc';
}

export interface MemberAccess {
  state: AccessStateFilter;
  /** The toggle's colour: off, orange (pending), green (active). */
  toggle: 'off' | 'orange' | 'green';
  loginEmail: string | null;
  closedReason: CloseReason | null;
}

export interface ClientListMember {
  contactId: string;
  name: string;
  role: MemberRole;
  emails: string[];
  access: MemberAccess;
  /** The latest send; `deliveryFailure`: the mail server's refusal of it, if it refused for good. */
  invitation: { sentAt: string; expiresAt: string; deliveryFailure: string | null } | null;
  lastLoginAt: string | null;
  status: MemberActivationStatus;
  /** The client list's wording for `status`, e.g. "Waiting for member to accept invitation (sent 2026-12-01)". */
  statusText: string;
}

export interface FolderLinkSummary {
  folderUrl: string;
  folderName: string;
  /** 'linked': waiting for its first sync; the sync process moves it on. */
  syncState: 'linked' | 'syncing' | 'synced' | 'failed';
  lastSyncAt: string | null;
  /** Files in the folder at its last successful sync (null before the first). */
  itemCount: number | null;
  /** The last sync error (or failed upload), until a sync succeeds. */
  lastError: string | null;
}

export interface ClientListRow {
  clientId: string;
  name: string;
  kind: ClientKind;
  subscription: SubscriptionPlan;
  archived: boolean;
  assignedStaff: Array<{ userId: string; name: string }>;
  members: ClientListMember[];
  folder: FolderLinkSummary | null;
  documentCount: number;
}

/** A row of the OneDrive "Connect client folders" list. */
export interface FolderListRow {
  clientId: string;
  name: string;
  folder: FolderLinkSummary | null;
}

export interface FolderListQuery extends PageRequest {
  text?: string;
  linked?: boolean;
}

// ---------------------------------------------------------------- documents

export interface DocumentRow {
  documentId: string;
  folderPath: string;
  name: string;
  size: number;
  version: number;
  origin: DocumentOrigin;
  addedBy: ActorRef;
  addedAt: string;
  updatedAt: string;
  /** Conflicts with OneDrive recorded on the document (changed on both sides), and the last one. */
  syncConflicts: number;
  lastSyncConflict: SyncConflict | null;
  /** Contacts whose shared selection shows them this document now. */
  visibleTo: Array<{ contactId: string; name: string }>;
}

export interface DocumentAccessEntry {
  kind: 'downloaded' | 'viewed';
  contactId: string;
  contactName: string;
  at: string;
  ipAddress: string | null;
  userAgent: string | null;
}

// ---------------------------------------------------------------- history and time travel

/** Kinds of activity, for filtering the history and the feed. */
export const activityKinds = ['client', 'member', 'invitation', 'access', 'folder', 'document', 'staff', 'firm', 'mail', 'personal_data'] as const;
export type ActivityKind = (typeof activityKinds)[number];

/** One readable line of history: when, who, and what changed, in the firm's words. */
export interface HistoryEntry {
  position: number;
  at: string;
  clientId: string | null;
  actor: ActorRef;
  /** A kind of activity, for filtering (one of activityKinds). */
  kind: string;
  type: string;
  text: string;
}

export interface HistoryQuery extends PageRequest {
  clientId: string;
  /** Only entries at or before this instant. */
  asOf?: string;
}

export interface ActivityQuery extends PageRequest {
  kinds?: string[];
}

/** A contact's portal access over an interval of time (valid-from inclusive, valid-to exclusive). */
export interface AccessGrant {
  clientId: string;
  clientName: string;
  contactId: string;
  contactName: string;
  loginEmail: string;
  sharedItems: SharedItem[];
  state: 'pending' | 'active';
  validFrom: string;
  validTo: string | null;
  grantedBy: ActorRef;
  revokedBy: ActorRef | null;
}

export interface AccessAsOfQuery extends PageRequest {
  at: string;
  clientId?: string;
}

/** A document as a contact saw it at an instant: its name and folder then. */
export interface VisibleDocument {
  documentId: string;
  folderPath: string;
  name: string;
  size: number;
  version: number;
}

/** A document as the firm's time travel knows it at an instant: also who uploaded it and when that version came. */
export interface DocumentAsOf extends VisibleDocument {
  /** The contact who uploaded it; null for the firm's (and synced) documents. */
  uploadedByContactId: string | null;
  /** When the version seen then was added. */
  versionAddedAt: string;
}

// ---------------------------------------------------------------- the port

/** A row of the activation CSV, before encoding. */
export interface ActivationRow {
  client: string;
  clientKind: ClientKind;
  memberName: string;
  role: MemberRole;
  email: string;
  loginEmail: string;
  activationStatus: string;
  invitationSentAt: string;
  invitationExpiresAt: string;
  lastLoginAt: string;
  subscription: 'Pro' | 'Starter';
  assignedStaff: string;
  portalAccess: string;
  folderLinked: 'yes' | 'no';
}

export interface ReadModels {
  /** Catches up with the log and follows it live; resolves once caught up. Queries start it when needed. */
  start(): Promise<void>;
  /** Stops following the log (what was applied stays). */
  stop(): Promise<void>;
  /**
   * Resolves once every read model has applied the log up to `position`; waits at most the
   * implementation's bound, then throws a ReadModelBehindError (code 'read_model.behind').
   */
  waitFor(position: number): Promise<void>;
  /** How far the read models have applied the log, and whether they follow it ('live') or failed. */
  progress(): { state: string; position: number | undefined };

  clientList: {
    search(firmId: string, query: ClientListQuery, now: Date): Promise<Page<ClientListRow>>;
    folders(firmId: string, query: FolderListQuery): Promise<Page<FolderListRow>>;
    /** Current clients a staff user is assigned to. */
    clientsAssignedTo(firmId: string, userId: string): Promise<string[]>;
    /** Clients with a linked OneDrive folder now. */
    linkedClients(firmId: string): Promise<string[]>;
    /**
     * Open, delivered invitations of every firm expiring after `after` (an instant and, for pages,
     * the last contact seen) and at or before `until`, soonest first: for the mail process's
     * reminders (a system read across tenants, never a firm's).
     */
    openInvitationsExpiring(
      after: { expiresAt: string; contactId: string },
      until: string,
      limit: number,
    ): Promise<Array<{ firmId: string; clientId: string; contactId: string; expiresAt: string }>>;
    /** Contacts whose portal access (open or closed) uses this login email, compared case-insensitively. */
    contactsByLoginEmail(firmId: string, email: string): Promise<Array<{ contactId: string; clientId: string }>>;
  };

  exports: {
    /** The activation CSV, streamed in chunks of text; as the list stood at `asOf` when given. */
    activationCsv(firmId: string, options: { asOf?: string; bom: boolean; now: Date }): AsyncIterable<string>;
  };

  /** A client, contact or document the firm does not know (another firm's reads the same) is a NotFoundError. */
  documents: {
    list(firmId: string, clientId: string, page: PageRequest): Promise<Page<DocumentRow>>;
    trail(firmId: string, documentId: string, page: PageRequest): Promise<Page<DocumentAccessEntry>>;
    /**
     * Content hashes of the client's documents (every version, removed documents too) that no
     * document of another client refers to — of any firm, since the blob store keeps one copy per
     * content for all of them: what forgetting an individual client deletes. Only the firm's own
     * client is asked about; an unknown one has none.
     */
    contentOnlyReferencedBy(firmId: string, clientId: string): Promise<string[]>;
    /** Whether a version of one of the firm's documents (removed ones too) has this content hash. */
    firmHoldsContent(firmId: string, contentHash: string): Promise<boolean>;
  };

  audit: {
    history(firmId: string, query: HistoryQuery): Promise<Page<HistoryEntry>>;
    activity(firmId: string, query: ActivityQuery): Promise<Page<HistoryEntry>>;
    /** Grants valid at `at`, by client then contact; an unknown `clientId` is a NotFoundError. */
    accessAsOf(firmId: string, query: AccessAsOfQuery): Promise<Page<AccessGrant>>;
    /** The documents a contact could see at `at`, with the names they had then; an unknown contact is a NotFoundError. */
    viewAsClient(firmId: string, contactId: string, at: string): Promise<DocumentAsOf[]>;
  };
}

/** Builds the read models over the portal's typed log (createPortal calls it once). */
export type ReadModelsFactory = (log: EventLog) => ReadModels;
