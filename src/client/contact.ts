import type { DecisionContext } from '../core/decider.js';
import { DomainError } from '../core/errors.js';

export const maxEmailsPerContact = 10;

/** A person in a client: an owner or a guest. Emails are normalised, unique, the first one is the default. */
export interface Contact {
  contactId: string;
  name: string;
  emails: string[];
}

/** A new contact from validated input, with a fresh id (or the one the host chose). */
export function newContact(input: { name: string; emails: string[] }, ctx: DecisionContext, contactId = ctx.newId()): Contact {
  if (new Set(input.emails).size !== input.emails.length) {
    throw new DomainError('client.duplicate_email', 'A contact cannot have the same email address twice.');
  }
  return { contactId, name: input.name, emails: [...input.emails] };
}
