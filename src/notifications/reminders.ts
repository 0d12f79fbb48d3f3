import { isExpired } from '../invitation/decider.js';

/** A reminder goes out this long before an unaccepted invitation expires (3 days). */
export const REMINDER_LEAD_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Whether the latest invitation is due its one reminder at `now`: open, not refused by the mail
 * server, within the lead time of expiring and not expired, and the firm has reminders on.
 */
export function reminderDue(
  invitation: { status: string; expiresAt?: string; deliveryFailure?: unknown },
  remindersOn: boolean,
  now: Date,
): boolean {
  if (!remindersOn || invitation.status !== 'open' || invitation.expiresAt === undefined || invitation.deliveryFailure) return false;
  const { expiresAt } = invitation;
  return !isExpired({ expiresAt }, now) && Date.parse(expiresAt) - now.getTime() <= REMINDER_LEAD_MS;
}
