/**
 * Runs the portal's mail process for a service: follows the log from a stored checkpoint (catching
 * up first), sends what each event asks for, moves the checkpoint on after each batch, and looks for
 * due invitation reminders on a timer. A failure (the store away, say) is logged and the run starts
 * again from the checkpoint after a pause; the sent-mail records keep a restart from sending twice.
 */
import type { MailProcessOptions } from '../../src/application/mail.js';
import type { createPortal } from '../../src/application/portal.js';
import type { OutgoingMail } from '../../src/core/mail.js';
import { ProjectionRunner, type ProjectionTarget } from '../../projections/runner.js';
import type { CheckpointStore } from './checkpoints.js';

type Portal = ReturnType<typeof createPortal>;

export interface MailLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface MailDeliveryOptions extends Omit<MailProcessOptions, 'onFailure'> {
  portal: Portal;
  checkpoints: CheckpointStore;
  /** Where sends, failures and restarts are logged (never an email's text). */
  log?: MailLog;
  /** How often due reminders are looked for (default 15 minutes; the first look is at start). */
  reminderIntervalMs?: number;
  /** Pause before a failed run starts again (default 5 s). */
  restartDelayMs?: number;
  /** Events per batch: the checkpoint moves on after each (default 50). */
  batchSize?: number;
  /**
   * Where a process without a checkpoint begins: 'start' (default) mails what the whole log asks
   * for; 'end' only what comes from now on (attaching mail to a log written without it).
   */
  startAt?: 'start' | 'end';
}

export interface MailDelivery {
  /** Resolves once every event in the log when called has been mailed (or recorded as refused). */
  settled(): Promise<void>;
  /** Looks for due reminders now (also done on the timer). */
  sendDueReminders(): Promise<number>;
  stop(): Promise<void>;
}

const CHECKPOINT = 'mail';

const quiet: MailLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function startMailDelivery(options: MailDeliveryOptions): MailDelivery {
  const { portal, checkpoints } = options;
  const log = options.log ?? quiet;
  const stopping = new AbortController();
  const process = portal.mailProcess({
    ...options,
    onSent: (mail: OutgoingMail, intent) => {
      log.info({ messageId: mail.messageId, kind: mail.kind }, 'mail sent');
      options.onSent?.(mail, intent);
    },
    onFailure: ({ messageId, kind, permanent, attempt, error }) => {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn({ messageId, kind, attempt, permanent, reason }, permanent ? 'mail refused for good' : 'mail not sent yet, will retry');
    },
  });
  const target: ProjectionTarget = {
    name: CHECKPOINT,
    filter: process.filter,
    async checkpoint() {
      const stored = await checkpoints.get(CHECKPOINT);
      if (stored !== undefined || options.startAt !== 'end') return stored;
      const last = await portal.log.store.lastPosition();
      if (last !== undefined) await checkpoints.set(CHECKPOINT, last);
      return last;
    },
    async applyBatch(events, checkpoint) {
      await process.handle(events, stopping.signal);
      await checkpoints.set(CHECKPOINT, checkpoint);
    },
    reset: () => checkpoints.delete(CHECKPOINT),
  };
  let restartTimer: NodeJS.Timeout | undefined;
  const runner: ProjectionRunner = new ProjectionRunner(portal.log, target, {
    batchSize: options.batchSize ?? 50,
    onError(error) {
      if (stopping.signal.aborted) return;
      log.error({ reason: error instanceof Error ? error.message : String(error) }, 'mail process failed; restarting');
      restartTimer = setTimeout(() => void runner.start().catch(() => undefined), options.restartDelayMs ?? 5000);
    },
  });

  let reminding: Promise<number> = Promise.resolve(0);
  const remind = () => {
    reminding = reminding
      .catch(() => 0)
      .then(() => process.sendDueReminders(stopping.signal))
      .catch((error: unknown) => {
        if (!stopping.signal.aborted) log.error({ reason: error instanceof Error ? error.message : String(error) }, 'reminders failed');
        return 0;
      });
    return reminding;
  };
  const reminderTimer = setInterval(remind, options.reminderIntervalMs ?? 15 * 60 * 1000);
  reminderTimer.unref();

  // Catching up may take long (or wait on the mail server): the service starts meanwhile.
  void runner.start().catch(() => undefined);
  void remind();

  return {
    async settled() {
      const last = await portal.log.store.lastPosition();
      if (last !== undefined) await runner.waitFor(last);
    },
    sendDueReminders: remind,
    async stop() {
      stopping.abort(new Error('The mail process is stopping.'));
      clearInterval(reminderTimer);
      clearTimeout(restartTimer);
      await runner.stop();
      await reminding;
      await options.mailer.close?.();
    },
  };
}
