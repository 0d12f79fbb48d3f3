/** Stream naming, in one place. Ids are opaque strings chosen by the id generator. */
export const streams = {
  firm: (firmId: string) => `firm-${firmId}`,
  client: (clientId: string) => `client-${clientId}`,
  /** One invitation stream per invited contact: each send or resend is an event in it. */
  invitation: (contactId: string) => `invitation-${contactId}`,
  portalAccess: (contactId: string) => `portal-access-${contactId}`,
  folderLink: (clientId: string) => `folder-link-${clientId}`,
  /** Each document is its own small stream, so a client with thousands of files loads fast. */
  document: (documentId: string) => `document-${documentId}`,
  /** Cross-stream uniqueness: the store's own "no stream" check rejects a second claim. */
  reservation: (kind: string, key: string) => `reservation-${kind}-${encodeURIComponent(key)}`,
  /** One stream per idempotency key (named by the key's entity id): its input digest and first result. */
  idempotencyKey: (entityId: string) => `idempotency-${entityId}`,
  /** One stream per email (its Message-ID's local part): the sent-mail record. */
  mail: (key: string) => `mail-${key}`,
  /** Where the forgetting of a data subject is recorded. */
  dataSubject: (subjectId: string) => `data-subject-${subjectId}`,
} as const;
