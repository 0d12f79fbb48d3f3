/**
 * A Graph driveItem as delta and children pages list it, validated at the boundary. Graph sends
 * many more fields than these; they are ignored (not refused), so a new Graph property never stops
 * a sync. Ids are opaque and kept as sent (Personal ids are mixed-case); drive ids are compared
 * case-insensitively (sameDriveId), since Personal reports them in varying case.
 */
import { z } from 'zod';

const id = z.string().min(1);

const parentReference = z.looseObject({
  driveId: id.optional(),
  id: id.optional(),
  /** Children listings carry it; delta never does, so nothing relies on it. */
  path: z.string().optional(),
});

export const driveItemSchema = z.looseObject({
  id,
  /** Business omits the name on deletes; Personal sends it. */
  name: z.string().optional(),
  parentReference: parentReference.optional(),
  file: z
    .looseObject({
      mimeType: z.string().optional(),
      hashes: z.looseObject({ quickXorHash: z.string().optional() }).optional(),
    })
    .optional(),
  folder: z.looseObject({ childCount: z.number().optional() }).optional(),
  /** `{ type: 'oneNote' }` for a notebook: neither a file nor a folder to the portal. */
  package: z.looseObject({ type: z.string().optional() }).optional(),
  deleted: z.looseObject({ state: z.string().optional() }).optional(),
  /** A shortcut to an item of another drive ("Add to my OneDrive"): its content is not in this folder's delta. */
  remoteItem: z.looseObject({}).optional(),
  /** Consumer OneDrive omits size and cTag on deletes. */
  size: z.number().int().nonnegative().optional(),
  cTag: z.string().min(1).optional(),
  eTag: z.string().min(1).optional(),
  lastModifiedDateTime: z.string().optional(),
  '@microsoft.graph.downloadUrl': z.string().optional(),
});

export type DriveItem = z.output<typeof driveItemSchema>;

/** One page of a delta or children listing: its items, then either a nextLink or (delta's last page) a deltaLink. */
export const drivePageSchema = z.looseObject({
  value: z.array(driveItemSchema),
  '@odata.nextLink': z.string().min(1).optional(),
  '@odata.deltaLink': z.string().min(1).optional(),
});

export interface DrivePage {
  items: DriveItem[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Validates a page as Graph sent it (JSON already parsed); throws a ZodError naming what is wrong. */
export function parseDrivePage(json: unknown): DrivePage {
  const page = drivePageSchema.parse(json);
  return { items: page.value, nextLink: page['@odata.nextLink'] ?? null, deltaLink: page['@odata.deltaLink'] ?? null };
}

/** Personal drive ids come back in varying letter case. */
export function sameDriveId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Deleted entries can carry junk hashes (all zeros, or an empty hashes object): they are never
 * compared, and a zero hash on a live item counts as no hash.
 */
export function quickXorHashOf(item: DriveItem): string | null {
  const hash = item.file?.hashes?.quickXorHash;
  if (hash === undefined || item.deleted !== undefined || /^[A=]*$/.test(hash)) return null;
  return hash;
}

/** What an item is to the portal: a file, a folder, or something skipped (OneNote, shortcuts, the unknown). */
export type ItemKind = 'file' | 'folder' | 'skipped';

export function kindOf(item: DriveItem): ItemKind {
  if (item.package !== undefined || item.remoteItem !== undefined) return 'skipped';
  if (item.folder !== undefined) return 'folder';
  if (item.file !== undefined) return 'file';
  return 'skipped';
}
