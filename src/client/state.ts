import type { Contact } from './contact.js';
import type { ClientEvent, ClientKind, MemberRole, SubscriptionPlan } from './events.js';

export interface Member extends Contact {
  role: MemberRole;
}

export interface ClientState {
  status: 'new' | 'active' | 'archived';
  id: string;
  firmId: string;
  kind: ClientKind;
  name: string | null;
  /** Owners first, then guests, each in the order they joined. */
  members: Member[];
  preliminaryData: Record<string, string>;
  subscription: SubscriptionPlan;
  assignedStaff: string[];
}

export const initialClientState: ClientState = {
  status: 'new',
  id: '',
  firmId: '',
  kind: 'individual',
  name: null,
  members: [],
  preliminaryData: {},
  subscription: 'starter',
  assignedStaff: [],
};

const updateMember = (state: ClientState, contactId: string, change: (m: Member) => Member): ClientState => ({
  ...state,
  members: state.members.map((m) => (m.contactId === contactId ? change(m) : m)),
});

export function evolveClient(state: ClientState, event: ClientEvent): ClientState {
  switch (event.type) {
    case 'ClientCreated': {
      const { clientId, firmId, kind, name, owners, subscription } = event.data;
      const members = owners.map((o): Member => ({ ...o, emails: [...o.emails], role: 'owner' }));
      return { ...initialClientState, status: 'active', id: clientId, firmId, kind, name, members, subscription };
    }
    case 'ClientRenamed':
      return { ...state, name: event.data.name };
    case 'PreliminaryDataRecorded':
      return { ...state, preliminaryData: { ...state.preliminaryData, ...event.data.fields } };
    case 'PreliminaryDataRemoved': {
      const removed = new Set(event.data.fieldNames);
      return { ...state, preliminaryData: Object.fromEntries(Object.entries(state.preliminaryData).filter(([k]) => !removed.has(k))) };
    }
    case 'SubscriptionChanged':
      return { ...state, subscription: event.data.plan };
    case 'StaffAssigned':
      return state.assignedStaff.includes(event.data.userId) ? state : { ...state, assignedStaff: [...state.assignedStaff, event.data.userId] };
    case 'StaffUnassigned':
      return { ...state, assignedStaff: state.assignedStaff.filter((u) => u !== event.data.userId) };
    case 'OwnerAdded': {
      const owner: Member = { ...event.data.contact, emails: [...event.data.contact.emails], role: 'owner' };
      const owners = state.members.filter((m) => m.role === 'owner');
      const guests = state.members.filter((m) => m.role === 'guest');
      return { ...state, members: [...owners, owner, ...guests] };
    }
    case 'GuestAdded':
      return { ...state, members: [...state.members, { ...event.data.contact, emails: [...event.data.contact.emails], role: 'guest' }] };
    case 'InvitationRequested':
      return state;
    case 'MemberRemoved':
      return { ...state, members: state.members.filter((m) => m.contactId !== event.data.contactId) };
    case 'ContactRenamed':
      return updateMember(state, event.data.contactId, (m) => ({ ...m, name: event.data.name }));
    case 'ContactEmailAdded':
      return updateMember(state, event.data.contactId, (m) =>
        m.emails.includes(event.data.email) ? m : { ...m, emails: [...m.emails, event.data.email] },
      );
    case 'ContactEmailRemoved':
      return updateMember(state, event.data.contactId, (m) => ({ ...m, emails: m.emails.filter((e) => e !== event.data.email) }));
    case 'ClientArchived':
      return { ...state, status: 'archived' };
    case 'ClientRestored':
      return { ...state, status: 'active' };
    default:
      // An event type this version does not know leaves the state as it was.
      return state;
  }
}

/** Every member of the client (owners, then guests) as contacts, e.g. to list who can be invited. */
export function contactsOf(state: ClientState): Member[] {
  return state.members;
}

/** The owners (co-owners of a group): "invite every owner of a group at once". */
export function ownersOf(state: ClientState): Member[] {
  return state.members.filter((m) => m.role === 'owner');
}

export function guestsOf(state: ClientState): Member[] {
  return state.members.filter((m) => m.role === 'guest');
}

/** What the firm sees as the client's name: its own name, or for an individual its owner's. */
export function displayNameOf(state: ClientState): string {
  return state.name ?? ownersOf(state)[0]?.name ?? '';
}
