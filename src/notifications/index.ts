export * from './intents.js';
export { mailIntentsOf, mailEventTypes } from './plan.js';
export { composeMail, formatInstant, type ComposedMail, type MailFacts } from './compose.js';
export * from './record.js';
export { REMINDER_LEAD_MS, reminderDue } from './reminders.js';
