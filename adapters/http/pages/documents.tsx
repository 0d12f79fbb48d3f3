/**
 * The client's documents: what is shared with this contact (and only that), by folder, with name,
 * size, date and who shared it; download; upload into the Uploads folder with progress; rename and
 * delete only the contact's own uploads. Staff see the same page read-only ("view as client").
 */
import { CLIENT_UPLOAD_FOLDER } from '../../../src/document/folder-path.js';
import { CsrfField, Layout, Notice, portalPath } from './layout.js';
import type { Look } from './look.js';
import { formatBytes, refusedExtensions } from './upload-policy.js';

export interface ShownDocument {
  documentId: string;
  folderPath: string;
  name: string;
  size: number;
  /** When this version was shared or uploaded, when known. */
  date: string | null;
  sharedBy: string;
  /** The contact uploaded it: theirs to rename and delete. */
  own: boolean;
}

export type Viewer = { kind: 'contact' } | { kind: 'staff'; contactName: string; at: string | null };

export interface DocumentsProps {
  look: Look;
  csrf: string;
  viewer: Viewer;
  documents: ShownDocument[];
  /** The folders shared with the contact: each gets its heading, empty or not. */
  sharedFolders?: readonly string[];
  maxUploadBytes: number;
  error?: string | null;
  info?: string | null;
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const instant = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

function byFolder(documents: ShownDocument[], sharedFolders: readonly string[]): Array<[string, ShownDocument[]]> {
  // An empty upload folder has its own note below the documents ("You have not sent any documents yet").
  const empty = sharedFolders.filter((path) => path.toLowerCase() !== CLIENT_UPLOAD_FOLDER.toLowerCase());
  const folders = new Map<string, ShownDocument[]>(empty.map((path) => [path, []]));
  for (const d of documents) folders.set(d.folderPath, [...(folders.get(d.folderPath) ?? []), d]);
  return [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const folderTitle = (path: string) => (path === '' ? 'Main folder' : path.split('/').join(' › '));

function OwnActions({ look, csrf, doc }: { look: Look; csrf: string; doc: ShownDocument }) {
  const base = portalPath(look.firmId, `documents/${encodeURIComponent(doc.documentId)}`);
  const renameId = `rename-${doc.documentId}`;
  return (
    <div class="actions">
      <form method="post" action={`${base}/rename`} class="inline">
        <CsrfField csrf={csrf} />
        <label for={renameId} class="visually-hidden">
          New name for {doc.name}
        </label>
        <input id={renameId} name="name" type="text" required maxlength={255} value={doc.name} />
        <button type="submit" class="button secondary">
          Rename
        </button>
      </form>
      <form method="post" action={`${base}/delete`} class="inline">
        <CsrfField csrf={csrf} />
        <button type="submit" class="button danger" aria-label={`Delete ${doc.name}`}>
          Delete
        </button>
      </form>
    </div>
  );
}

function Row({ look, csrf, doc, readOnly }: { look: Look; csrf: string; doc: ShownDocument; readOnly: boolean }) {
  return (
    <tr>
      <th scope="row" data-label="Name">
        {readOnly ? (
          <span class="doc-name">{doc.name}</span>
        ) : (
          <a class="doc-name" href={`/documents/${encodeURIComponent(doc.documentId)}/content`} download={doc.name}>
            {doc.name}
            <span class="visually-hidden"> (download)</span>
          </a>
        )}
      </th>
      <td data-label="Size">{formatBytes(doc.size)}</td>
      <td data-label="Date">{doc.date ? <time datetime={doc.date}>{day.format(new Date(doc.date))}</time> : '—'}</td>
      <td data-label="Shared by">{doc.sharedBy}</td>
      {readOnly ? null : <td data-label="Actions">{doc.own ? <OwnActions look={look} csrf={csrf} doc={doc} /> : <span class="hint">Shared by your firm</span>}</td>}
    </tr>
  );
}

function Folder({ look, csrf, path, documents, readOnly, index }: { look: Look; csrf: string; path: string; documents: ShownDocument[]; readOnly: boolean; index: number }) {
  const heading = `folder-${index}`;
  return (
    <section aria-labelledby={heading} class="folder">
      <h2 id={heading}>{folderTitle(path)}</h2>
      {documents.length === 0 ? (
        <p class="empty">Nothing in this folder yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">Date</th>
              <th scope="col">Shared by</th>
              {readOnly ? null : <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {documents.map((doc) => (
              <Row look={look} csrf={csrf} doc={doc} readOnly={readOnly} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Upload({ look, csrf, maxUploadBytes }: { look: Look; csrf: string; maxUploadBytes: number }) {
  return (
    <section aria-labelledby="upload-title" class="card upload">
      <h2 id="upload-title">Send documents to {look.firmName}</h2>
      <form
        id="upload-form"
        method="post"
        action={portalPath(look.firmId, 'documents/upload')}
        enctype="multipart/form-data"
        data-max-bytes={String(maxUploadBytes)}
        data-max-text={formatBytes(maxUploadBytes)}
        data-refused={refusedExtensions.join(' ')}
      >
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="files">Choose one or more files</label>
          <p id="upload-rules" class="hint">
            They go into your {CLIENT_UPLOAD_FOLDER} folder, and {look.firmName} is told by email. Up to {formatBytes(maxUploadBytes)} per file; programs and scripts
            cannot be sent.
          </p>
          <input id="files" name="files" type="file" multiple required aria-describedby="upload-rules" />
        </div>
        <button type="submit" class="button primary">
          Upload
        </button>
      </form>
      <ul id="upload-progress" class="progress-list" aria-live="polite"></ul>
    </section>
  );
}

export function DocumentsPage({ look, csrf, viewer, documents, sharedFolders = [], maxUploadBytes, error, info }: DocumentsProps) {
  const readOnly = viewer.kind === 'staff';
  const folders = byFolder(documents, sharedFolders);
  const title = readOnly ? `${viewer.contactName}'s documents` : 'Your documents';
  const uploads = documents.filter((d) => d.own);
  return (
    <Layout look={look} title={title} csrf={csrf} signedIn={!readOnly}>
      {viewer.kind === 'staff' ? (
        <p class="notice info" role="status">
          Read-only: the portal as {viewer.contactName} {viewer.at === null ? 'sees it now' : `saw it on ${instant.format(new Date(viewer.at))} UTC`}.
        </p>
      ) : null}
      <h1>{title}</h1>
      <Notice kind="info" text={info} />
      <Notice kind="error" text={error} />
      {folders.length === 0 ? (
        <p class="empty">
          {readOnly
            ? `Nothing was shared with ${viewer.contactName} ${viewer.at === null ? 'at the moment' : 'at that time'}.`
            : 'Your firm has not shared any documents yet. When it does, they appear here and you get an email.'}
        </p>
      ) : (
        folders.map(([path, docs], index) => <Folder look={look} csrf={csrf} path={path} documents={docs} readOnly={readOnly} index={index} />)
      )}
      {readOnly ? null : (
        <>
          {uploads.length === 0 ? <p class="empty">You have not sent any documents yet. Files you upload appear in your {CLIENT_UPLOAD_FOLDER} folder.</p> : null}
          <Upload look={look} csrf={csrf} maxUploadBytes={maxUploadBytes} />
        </>
      )}
    </Layout>
  );
}
