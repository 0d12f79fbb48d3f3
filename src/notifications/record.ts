/**
 * The sent-mail record: one small stream per email (streams.mail(key)), in the same store as the
 * events that cause emails. The first outcome is the record: an email recorded as sent is never
 * sent again, whether its causing event is replayed, retried or read by a restarted process. It
 * keeps the Message-ID, the recipient, the kind and the causing event, never the email's content
 * (an invitation's carries its link).
 */
import { z } from 'zod';
import type { Decider } from '../core/decider.js';
import { defineEvent, personal, type EventsOf } from '../core/events.js';
import { mailKinds, type MailKind } from '../core/mail.js';
import { commandSchema, parseCommand } from '../core/validate.js';

const facts = {
  messageId: z.string().min(1),
  kind: z.enum(mailKinds),
  /** Whose address `to` is (a contact or a staff user): forgetting them erases it. */
  subjectId: z.string().min(1),
  to: personal(z.email()),
  causeEventId: z.string().min(1),
};

export const mailSent = defineEvent({
  type: 'MailSent',
  version: 1,
  schema: z.object({ ...facts, sentAt: z.iso.datetime() }),
  personal: [{ subject: 'subjectId', fields: ['to'] }],
});

/** The server refused the email for good (or its link could not be made); it is not tried again. */
export const mailDeliveryFailed = defineEvent({
  type: 'MailDeliveryFailed',
  version: 1,
  schema: z.object({ ...facts, reason: z.string().min(1), failedAt: z.iso.datetime() }),
  personal: [{ subject: 'subjectId', fields: ['to'] }],
});

export const mailRecordEvents = [mailSent, mailDeliveryFailed] as const;
export type MailRecordEvent = EventsOf<typeof mailRecordEvents>;

const outcome = z.strictObject({ ...facts, to: z.email() });
export const recordMailSentData = outcome;
export const recordMailFailedData = outcome.extend({ reason: z.string().min(1).max(2000) });

export const mailRecordCommandSchema = z.discriminatedUnion('type', [
  commandSchema('RecordMailSent', recordMailSentData),
  commandSchema('RecordMailFailed', recordMailFailedData),
]);
export type MailRecordCommand = z.input<typeof mailRecordCommandSchema>;

export type MailRecordState = { status: 'none' } | { status: 'sent' | 'failed'; messageId: string; kind: MailKind };

export const mailRecordDecider: Decider<MailRecordCommand, MailRecordEvent, MailRecordState> = {
  initialState: { status: 'none' },
  decide(command, state, ctx) {
    // The first outcome stands: a second process that sent the same email records nothing new.
    if (state.status !== 'none') return [];
    const now = ctx.now.toISOString();
    switch (command.type) {
      case 'RecordMailSent':
        return [{ type: 'MailSent', data: { ...parseCommand(recordMailSentData, command.data), sentAt: now } }];
      case 'RecordMailFailed':
        return [{ type: 'MailDeliveryFailed', data: { ...parseCommand(recordMailFailedData, command.data), failedAt: now } }];
    }
  },
  evolve(_state, event) {
    const { messageId, kind } = event.data;
    return { status: event.type === 'MailSent' ? 'sent' : 'failed', messageId, kind };
  },
};
