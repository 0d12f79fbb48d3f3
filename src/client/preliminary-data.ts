import { z } from 'zod';
import { DomainError } from '../core/errors.js';
import { multilineText } from '../core/limits.js';

export const maxPreliminaryFields = 50;
export const maxPreliminaryValueLength = 2000;

/** A field name: a letter, then up to 63 letters, digits, `_` or `-` (e.g. `taxFileNumber`, `spouse_name`). */
export const preliminaryFieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'Field names start with a letter and use letters, digits, _ or - (64 at most).');

export const preliminaryFields = z
  .record(preliminaryFieldName, multilineText(maxPreliminaryValueLength))
  .refine((fields) => Object.keys(fields).length <= maxPreliminaryFields, `At most ${maxPreliminaryFields} fields.`);

/** The fields that would change, after checking the total stays within the limit. */
export function changedPreliminaryFields(current: Readonly<Record<string, string>>, fields: Readonly<Record<string, string>>): Record<string, string> {
  const changed = Object.fromEntries(Object.entries(fields).filter(([name, value]) => !Object.hasOwn(current, name) || current[name] !== value));
  const total = new Set([...Object.keys(current), ...Object.keys(changed)]).size;
  if (total > maxPreliminaryFields) {
    throw new DomainError('client.too_many_preliminary_fields', `A client can hold at most ${maxPreliminaryFields} preliminary data fields.`);
  }
  return changed;
}
