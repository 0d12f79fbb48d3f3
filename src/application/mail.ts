/**
 * The mail process: the notification process manager (src/notifications) run over the log. For
 * each event it reads in order it works out the emails asked for, gathers their facts, and sends
 * each email once:
 *
 * - the Message-ID is derived from the causing event, so every attempt is the same message;
 * - a sent-mail record (streams.mail(key)) is appended once the transport accepted the email, and
 *   an email with a record is never sent again (a replay, a retry, a restarted process);
 * - a transient failure (the server away) is retried with capped, jittered backoff, holding the
 *   process at that email, as every email would fail alike; an email refused for now (a 4xx about
 *   it: a full mailbox) is retried the same way for at most `deferLimitMs`, then counts as refused;
 * - a refusal for good is recorded (for an invitation InvitationDeliveryFailed, which the client
 *   list shows, then MailDeliveryFailed) and the process moves on.
 *
 * An invitation's link is derived again from the send's id (Secrets.deriveToken); an invitation
 * replaced by a later send, accepted, cancelled or expired is not mailed: its link would not work.
 * A password reset link likewise, from the request's id.
 * The only repeat possible is an email the transport accepted just before a crash and whose record
 * was not written yet; it carries the same Message-ID, so a receiver can drop it.
 */
import { fold } from '../core/decider.js';
import type { RecordedEvent } from '../core/envelope.js';
import type { EventFilter } from '../core/event-store.js';
import { MailDeferredError, MailRejectedError, type MailKind, type Mailer, type OutgoingMail } from '../core/mail.js';
import { invitationDecider, isExpired } from '../invitation/decider.js';
import { composeMail, oneLine } from '../notifications/compose.js';
import { messageKey, type InvitationIntent, type MailIntent, type PasswordResetIntent } from '../notifications/intents.js';
import { portalAccessDecider } from '../portal-access/decider.js';
import { mailEventTypes, mailIntentsOf } from '../notifications/plan.js';
import { mailRecordDecider } from '../notifications/record.js';
import { reminderDue, REMINDER_LEAD_MS } from '../notifications/reminders.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { loadFirm } from './firm-scope.js';
import { invitationToken } from './issue-invitation.js';
import { gatherFacts, type Recipient } from './mail-facts.js';
import { activationLink, passwordResetLink } from './mail-links.js';
import { passwordResetToken } from './password-reset.js';

export interface MailProcessOptions {
  mailer: Mailer;
  /** The portal's public address, for the links in emails. */
  publicUrl: string;
  /** The domain of Message-IDs (the sender address's). */
  messageDomain: string;
  /**
   * Backoff between attempts of a failing email: from `firstDelayMs` (1 s), doubling, up to
   * `maxDelayMs` (5 min); an email refused for now is given up after `deferLimitMs` (1 hour).
   */
  retry?: { firstDelayMs?: number; maxDelayMs?: number; deferLimitMs?: number };
  /** Told of every email handed to the transport (never logs its text: an invitation's holds its link). */
  onSent?: (mail: OutgoingMail, intent: MailIntent) => void;
  /** Told of every failed attempt; `permanent` ones are recorded and not tried again. */
  onFailure?: (failure: { messageId: string; kind: MailKind; permanent: boolean; attempt: number; error: unknown }) => void;
  /** Waits between attempts; rejects when `signal` aborts (default: a timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter's random source (default Math.random). */
  random?: () => number;
  /** Milliseconds now, for how long an email has been refused for now (default Date.now). */
  now?: () => number;
}

/** How many open invitations one reminder round looks at. */
const REMINDER_BATCH = 200;

const mailActor: Caller['actor'] = { kind: 'system', name: 'mail' };

/** Characters a Message-ID's local part may hold (RFC 5322 dot-atom text). */
const unsafeInLocalPart = /[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g;

/** How long a recorded reason may be (the server's answer, on one line). */
const MAX_REASON = 500;

/** A server's answer as a record's reason: one line, at most MAX_REASON characters. */
export function reasonText(answer: string): string {
  const line = oneLine(answer) || 'refused';
  return line.length <= MAX_REASON ? line : `${line.slice(0, MAX_REASON - 1)}…`;
}

export function mailProcess(ctx: AppContext, options: MailProcessOptions) {
  const { mailer, publicUrl, messageDomain } = options;
  const firstDelay = options.retry?.firstDelayMs ?? 1000;
  const maxDelay = options.retry?.maxDelayMs ?? 5 * 60 * 1000;
  const deferLimit = options.retry?.deferLimitMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const digest = (text: string) => ctx.deps.secrets.digest(text).slice(0, 16);

  /**
   * The record's key and the Message-ID's local part: the cause, the kind and, for an email sent to
   * several people, a digest of the recipient's id. Anything a Message-ID cannot hold is replaced,
   * with a digest of the whole key after it so two keys never meet.
   */
  const keyOf = (intent: MailIntent, recipientId?: string): string => {
    const key = messageKey(intent, recipientId === undefined ? undefined : digest(recipientId));
    const safe = key.replace(unsafeInLocalPart, '_');
    return safe === key ? key : `${safe}~${digest(key)}`;
  };

  const callerFor = (tenantId: string): Caller & { correlationId: string } => ctx.correlate({ tenantId, actor: mailActor });

  /** The intents of one event: portal-access events read the contact's stream up to the event. */
  async function intentsOf(event: RecordedEvent): Promise<MailIntent[]> {
    if (!event.streamId.startsWith(streams.portalAccess(''))) return mailIntentsOf(event);
    const stream = await ctx.log.readStream(event.streamId, { maxCount: event.revision + 1 });
    return mailIntentsOf(event, stream);
  }

  /** An invitation's token, or null when the send is no longer the one that works. */
  async function liveToken(intent: InvitationIntent): Promise<string | null> {
    const { state } = await ctx.load(invitationDecider, streams.invitation(intent.contactId));
    if (state.status !== 'open' || state.invitationId !== intent.invitationId || isExpired(state, ctx.deps.clock.now())) return null;
    return invitationToken(ctx, intent.invitationId);
  }

  /** A reset link's token, or null when the request is no longer the one that works (replaced, used, expired). */
  async function liveResetToken(intent: PasswordResetIntent): Promise<string | null> {
    const { state } = await ctx.load(portalAccessDecider, streams.portalAccess(intent.contactId));
    const reset = state.passwordReset;
    if (reset === null || reset.resetId !== intent.resetId || ctx.deps.clock.now().getTime() >= Date.parse(reset.expiresAt)) return null;
    return passwordResetToken(ctx, intent.resetId);
  }

  /**
   * Records the outcome, trying a few times: the email went out, so a passing store error must not
   * send it again. A refused invitation is recorded on the invitation first: should the process stop
   * between the two, the email is tried again and the invitation's record is not repeated.
   */
  async function record(intent: MailIntent, key: string, recipient: Recipient, messageId: string, failure?: string): Promise<void> {
    const caller = callerFor(intent.cause.tenantId);
    const facts = { messageId, kind: intent.kind, subjectId: recipient.subjectId, to: recipient.address, causeEventId: intent.cause.eventId };
    const reason = failure === undefined ? undefined : reasonText(failure);
    await persistently(async () => {
      if (reason !== undefined && intent.kind === 'invitation') {
        const data = { contactId: intent.contactId, invitationId: intent.invitationId, reason };
        await ctx.execute(invitationDecider, streams.invitation(intent.contactId), { type: 'RecordDeliveryFailure', data }, caller);
      }
      const command = reason === undefined ? { type: 'RecordMailSent' as const, data: facts } : { type: 'RecordMailFailed' as const, data: { ...facts, reason } };
      await ctx.execute(mailRecordDecider, streams.mail(key), command, caller);
    });
  }

  async function persistently(write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= 3) throw error;
        await sleep(firstDelay * attempt);
      }
    }
  }

  /** Sends one email until the transport takes it or refuses it for good (or for now for too long). */
  async function sendOnce(mail: OutgoingMail, signal?: AbortSignal): Promise<{ refused?: string }> {
    let deferredSince: number | undefined;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        await mailer.send(mail);
        return {};
      } catch (error) {
        if (error instanceof MailDeferredError) deferredSince ??= now();
        const givenUp = error instanceof MailDeferredError && now() - deferredSince! >= deferLimit;
        const permanent = error instanceof MailRejectedError || givenUp;
        options.onFailure?.({ messageId: mail.messageId, kind: mail.kind, permanent, attempt, error });
        if (error instanceof MailRejectedError) return { refused: error.reason };
        if (givenUp) return { refused: `refused for now for ${Math.round(deferLimit / 60_000)} minutes; the last answer: ${error.reason}` };
        const ceiling = Math.min(maxDelay, firstDelay * 2 ** Math.min(attempt - 1, 30));
        await sleep(ceiling / 2 + random() * (ceiling / 2), signal);
      }
    }
  }

  async function deliver(intent: MailIntent, signal?: AbortSignal): Promise<void> {
    const gathered = await gatherFacts(ctx, intent, publicUrl);
    if (gathered === null) return;
    const { recipients } = gathered;
    let facts = gathered.facts;
    for (const recipient of recipients) {
      const key = keyOf(intent, intent.kind === 'upload_alert' ? recipient.subjectId : undefined);
      if ((await ctx.load(mailRecordDecider, streams.mail(key))).state.status !== 'none') continue;
      const messageId = `${key}@${messageDomain}`;
      if (intent.kind === 'invitation' || intent.kind === 'invitation_reminder') {
        const token = await liveToken(intent);
        if (token === null) continue;
        if (ctx.deps.secrets.hashToken(token) !== intent.tokenHash) {
          await record(intent, key, recipient, messageId, 'The link could not be made again (the server key changed). Send the invitation again.');
          continue;
        }
        facts = { ...facts, activationUrl: activationLink(publicUrl, intent.cause.tenantId, intent.contactId, token) };
      }
      if (intent.kind === 'password_reset') {
        const token = await liveResetToken(intent);
        if (token === null) continue;
        if (ctx.deps.secrets.hashToken(token) !== intent.tokenHash) {
          await record(intent, key, recipient, messageId, 'The link could not be made again (the server key changed). Ask for a new reset link.');
          continue;
        }
        facts = { ...facts, resetUrl: passwordResetLink(publicUrl, intent.cause.tenantId, intent.contactId, token) };
      }
      const composed = composeMail(intent, facts);
      const to = recipient.name === undefined ? { address: recipient.address } : { name: recipient.name, address: recipient.address };
      const mail: OutgoingMail = { messageId, kind: intent.kind, to, causeEventId: intent.cause.eventId, ...composed };
      const { refused } = await sendOnce(mail, signal);
      await record(intent, key, recipient, messageId, refused);
      if (refused === undefined) options.onSent?.(mail, intent);
    }
  }

  return {
    /** The events the process reads (a subscription's filter). */
    filter: { eventTypePrefixes: mailEventTypes } satisfies EventFilter,

    /** Sends the emails these events ask for, in order; returns once each is sent or recorded as refused. */
    async handle(events: readonly RecordedEvent[], signal?: AbortSignal): Promise<void> {
      for (const event of events) {
        if (!(mailEventTypes as readonly string[]).includes(event.type)) continue;
        for (const intent of await intentsOf(event)) await deliver(intent, signal);
      }
    },

    /**
     * Sends the reminders due now: once per invitation, a few days before it expires, when the
     * firm has reminders on. Returns how many invitations were looked at.
     */
    async sendDueReminders(signal?: AbortSignal): Promise<number> {
      const now = ctx.deps.clock.now();
      const until = new Date(now.getTime() + REMINDER_LEAD_MS).toISOString();
      const views = await ctx.views();
      let after = { expiresAt: now.toISOString(), contactId: '' };
      let looked = 0;
      for (;;) {
        const due = await views.clientList.openInvitationsExpiring(after, until, REMINDER_BATCH);
        for (const candidate of due) {
          looked++;
          const firm = await loadFirm(ctx, candidate.firmId);
          const events = await ctx.log.readStream(streams.invitation(candidate.contactId));
          const sent = events.findLast((e) => e.type === 'InvitationSent');
          if (firm === null || sent === undefined || sent.metadata.tenantId !== candidate.firmId) continue;
          if (!reminderDue(fold(invitationDecider, events as never[]), firm.invitationReminders, now)) continue;
          const [intent] = mailIntentsOf(sent) as InvitationIntent[];
          await deliver({ ...intent!, kind: 'invitation_reminder', reason: 'reminder' }, signal);
        }
        if (due.length < REMINDER_BATCH) return looked;
        after = due.at(-1)!;
      }
    },
  };
}

export type MailProcess = ReturnType<typeof mailProcess>;

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
