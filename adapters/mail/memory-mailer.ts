import { MailDeferredError, MailRejectedError, type Mailer, type OutgoingMail } from '../../src/core/mail.js';
import { MailTransientError } from './smtp-errors.js';

/** A failure a test scripts: the kind (made into the error a real transport would throw) or the error itself. */
export type ScriptedFailure = 'transient' | 'deferred' | 'permanent' | Error;

export interface MemoryMailerOptions {
  /** Failures consumed one per send, in order, before sends go through again. */
  failures?: ScriptedFailure[];
  /** Asked on every send after the scripted failures; `attempt` counts sends of this Message-ID from 1. */
  fail?: (mail: OutgoingMail, attempt: number) => Error | undefined;
}

export interface MemoryMailer extends Mailer {
  /** Mails handed over, in order; a Message-ID sent twice is here twice. */
  readonly sent: readonly OutgoingMail[];
  /** Sends tried per Message-ID, failed ones included. */
  readonly attempts: ReadonlyMap<string, number>;
  /** Scripts the next sends to fail, one failure each. */
  failNext(...failures: ScriptedFailure[]): void;
  close(): Promise<void>;
}

/** Keeps mails in memory, failing on cue (tests of the notification process, examples). */
export function memoryMailer(options: MemoryMailerOptions = {}): MemoryMailer {
  const sent: OutgoingMail[] = [];
  const attempts = new Map<string, number>();
  const scripted = [...(options.failures ?? [])];
  return {
    sent,
    attempts,
    failNext(...failures) {
      scripted.push(...failures);
    },
    async send(mail) {
      const attempt = (attempts.get(mail.messageId) ?? 0) + 1;
      attempts.set(mail.messageId, attempt);
      const next = scripted.shift();
      const failure = next === undefined ? options.fail?.(mail, attempt) : asError(next);
      if (failure !== undefined) throw failure;
      sent.push(structuredClone(mail));
    },
    async close() {},
  };
}

function asError(failure: ScriptedFailure): Error {
  if (failure === 'transient') return new MailTransientError('Scripted transient failure: connection refused', 'ESOCKET', 'CONN');
  if (failure === 'deferred') return new MailDeferredError('452 4.2.2 mailbox full (scripted)', 452);
  if (failure === 'permanent') return new MailRejectedError('550 5.1.1 mailbox unavailable (scripted)', 550);
  return failure;
}
