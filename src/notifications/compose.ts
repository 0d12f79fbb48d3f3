/**
 * The emails' words, pure: an intent and the facts gathered for it become the subject, a complete
 * plain-text part and a branded HTML part. User data (names, file names, paths) is escaped in HTML;
 * the subject is kept on one line.
 */
import { DEFAULT_PRIMARY_COLOUR, type Branding } from '../firm/branding.js';
import { INVITATION_VALIDITY_MS } from '../invitation/decider.js';
import { button, escape, frame, link, list, paragraph } from './html.js';
import type { AccessNoticeIntent, InvitationIntent, MailIntent, PasswordResetIntent, UploadAlertIntent } from './intents.js';

/** What the mail process looked up for one email. Links are absolute. */
export interface MailFacts {
  firmName: string;
  /** The firm's effective branding (a managed company shows its partner's). */
  branding: Branding;
  /** The logo's public address, when the branding has a logo. */
  logoUrl: string | null;
  /** Where a contact logs in. */
  loginUrl: string;
  /** The invitation's activation link (invitations and reminders). */
  activationUrl?: string;
  /** The password reset link (password resets). */
  resetUrl?: string;
  /** The client's name (upload alerts). */
  clientName?: string;
  /** Who uploaded (upload alerts), when known. */
  uploaderName?: string;
  /** Where the firm sees the uploaded document (upload alerts). */
  documentUrl?: string;
  /** Names of the documents shared by id (access notices); an unknown one is shown as "a document". */
  documentNames?: Readonly<Record<string, string>>;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
  /** The sender's display name: the firm. */
  fromName: string;
  /** The firm's support email, when its support channel is one. */
  replyTo?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** e.g. "1 March 2026 at 09:00 UTC". */
export function formatInstant(iso: string): string {
  return `${longDate.format(new Date(iso))} UTC`;
}

interface Content {
  subject: string;
  /** Paragraphs of plain text; a paragraph may be a list (each line an item). */
  blocks: Array<{ text: string } | { items: string[] } | { action: string; url: string }>;
}

export function composeMail(intent: MailIntent, facts: MailFacts): ComposedMail {
  const content =
    intent.kind === 'access_notice'
      ? accessNotice(intent, facts)
      : intent.kind === 'upload_alert'
        ? uploadAlert(intent, facts)
        : intent.kind === 'password_reset'
          ? passwordReset(intent, facts)
          : invitation(intent, facts);
  const subject = oneLine(content.subject);
  const support = facts.branding.supportChannel;
  const supportText =
    support === null ? null : support.kind === 'email' ? `Questions? Write to ${support.address}.` : `Questions? Get help at ${support.url}.`;
  const text = [
    ...content.blocks.map((b) => ('text' in b ? b.text : 'items' in b ? b.items.map((i) => `- ${i}`).join('\n') : `${b.action}:\n${b.url}`)),
    '--',
    `${facts.firmName}${supportText ? `\n${supportText}` : ''}`,
  ].join('\n\n');
  const colour = /^#[0-9a-f]{6}$/i.test(facts.branding.primaryColour ?? '') ? facts.branding.primaryColour! : DEFAULT_PRIMARY_COLOUR;
  const footer =
    support === null
      ? escape(facts.firmName)
      : `${escape(facts.firmName)} · ${support.kind === 'email' ? link(`mailto:${support.address}`, support.address) : link(support.url, support.url)}`;
  const html = frame({
    title: subject,
    firmName: facts.firmName,
    colour,
    logoUrl: facts.branding.logo ? facts.logoUrl : null,
    body: content.blocks.map((b) => ('text' in b ? paragraph(b.text) : 'items' in b ? list(b.items) : button(b.url, b.action, colour))),
    footer,
  });
  return { subject, text: `${text}\n`, html, fromName: oneLine(facts.firmName), ...(support?.kind === 'email' ? { replyTo: support.address } : {}) };
}

function invitation(intent: InvitationIntent, facts: MailFacts): Content {
  const days = Math.round(INVITATION_VALIDITY_MS / DAY_MS);
  const until = formatInstant(intent.expiresAt);
  const url = facts.activationUrl ?? facts.loginUrl;
  const form =
    intent.formId === null
      ? []
      : [{ text: `${facts.firmName} also sent you ${intent.formName ? `the form “${intent.formName}”` : 'a digital form'} to fill in once your account is active.` }];
  if (intent.kind === 'invitation_reminder') {
    return {
      subject: `Reminder: your invitation from ${facts.firmName} expires on ${until}`,
      blocks: [
        { text: 'Hello,' },
        { text: `${facts.firmName} invited you to its client portal, and you have not activated your account yet. The invitation expires on ${until}.` },
        { action: 'Activate your account', url },
        ...form,
        { text: 'If the link no longer works, ask your firm to send the invitation again.' },
      ],
    };
  }
  return {
    subject: `${facts.firmName} invites you to its client portal`,
    blocks: [
      { text: 'Hello,' },
      { text: `${facts.firmName} invites you to its client portal, where you can see the documents it shares with you and send documents back. To activate your account, open this link and set a password:` },
      { action: 'Activate your account', url },
      { text: `The link works once and is valid for ${days} days, until ${until}.` },
      ...form,
      { text: 'If you were not expecting this invitation, you can ignore this email.' },
    ],
  };
}

const noticeWording = {
  opened: { subject: (firm: string) => `Your ${firm} portal access is open`, line: 'Your access to the client portal is open.' },
  reopened: { subject: (firm: string) => `Your ${firm} portal access is open again`, line: 'Your access to the client portal is open again.' },
  folders_changed: { subject: (firm: string) => `${firm} changed what is shared with you`, line: 'What is shared with you in the client portal has changed.' },
} as const;

function accessNotice(intent: AccessNoticeIntent, facts: MailFacts): Content {
  const wording = noticeWording[intent.reason];
  const shared = intent.sharedItems.map((item) =>
    item.kind === 'folder' ? `Folder: ${item.path === '' ? 'all documents' : item.path}` : `Document: ${facts.documentNames?.[item.documentId] ?? 'a document'}`,
  );
  return {
    subject: wording.subject(facts.firmName),
    blocks: [
      { text: 'Hello,' },
      { text: `${wording.line}` },
      ...(shared.length > 0 ? [{ text: 'Shared with you now:' }, { items: shared }] : [{ text: 'Nothing is shared with you at the moment.' }]),
      intent.contactHasPassword
        ? { action: 'Log in to see them', url: facts.loginUrl }
        : { text: 'To log in, first set your password with the link in your invitation email.' },
    ],
  };
}

function uploadAlert(intent: UploadAlertIntent, facts: MailFacts): Content {
  const client = facts.clientName ?? 'A client';
  const where = intent.folderPath === '' ? '' : ` in ${intent.folderPath}`;
  // A group's member is named beside the group; an individual client is the uploader.
  const who = facts.uploaderName && facts.uploaderName !== client ? ` (${facts.uploaderName})` : '';
  const what = intent.version > 1 ? `a new version (${intent.version}) of “${intent.name}”` : `“${intent.name}”`;
  return {
    subject: `${client} uploaded ${intent.name}`,
    blocks: [
      { text: 'Hello,' },
      { text: `${client}${who} uploaded ${what}${where} to the client portal.` },
      ...(facts.documentUrl ? [{ action: 'Open the document', url: facts.documentUrl }] : []),
    ],
  };
}

function passwordReset(intent: PasswordResetIntent, facts: MailFacts): Content {
  return {
    subject: `Set a new password for your ${facts.firmName} client portal`,
    blocks: [
      { text: 'Hello,' },
      { text: `Someone, probably you, asked to set a new password for your ${facts.firmName} client portal. To choose a new password, open this link:` },
      { action: 'Set a new password', url: facts.resetUrl ?? facts.loginUrl },
      { text: `The link works once, until ${formatInstant(intent.expiresAt)}.` },
      { text: 'If you did not ask for this, you can ignore this email: your password stays as it is.' },
    ],
  };
}

/** Control characters (line breaks above all) become spaces: a subject cannot start a new header. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/ {2,}/g, ' ').trim();
}
