import type { z } from 'zod';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { ERASED, type EventDefinition } from '../../src/core/events.js';
import { PersonalDataCodec } from '../../src/core/personal-data.js';

/** Stores the event's data encrypted, forgets every subject it named, and reads it back. */
export async function storeAndForget(definition: EventDefinition, data: unknown) {
  const keys = memoryKeyStore(aesGcmCipher);
  const subjects = new Set<string>();
  const codec = new PersonalDataCodec({ ...keys, getOrCreate: (id) => (subjects.add(id), keys.getOrCreate(id)) }, aesGcmCipher);
  const stored = await codec.protect(data, definition.personal);
  for (const subject of subjects) await keys.delete(subject);
  return { stored: JSON.stringify(stored), erased: await codec.reveal(structuredClone(stored)), subjects: [...subjects].sort() };
}

/** Paths of every leaf wrapped with personal() in a schema, in the declaration's dotted `*` syntax. */
export function personalPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as any)._zod.def;
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, s]) => personalPaths(s, at(key)));
    case 'array':
      return personalPaths(def.element, at('*'));
    case 'nullable':
    case 'optional':
      return personalPaths(def.innerType, prefix);
    case 'union': {
      const options = def.options as z.ZodType[];
      if (options.some((o) => (o as any)._zod.def.type === 'literal' && (o as any)._zod.def.values.includes(ERASED))) return [prefix];
      return [...new Set(options.flatMap((o) => personalPaths(o, prefix)))];
    }
    default:
      return [];
  }
}

/** The personal() fields of an event schema and the fields its definition declares, both sorted. */
export function personalFields(definition: EventDefinition) {
  return {
    inSchema: personalPaths(definition.schema).sort(),
    declared: (definition.personal ?? []).flatMap((d) => d.fields).sort(),
  };
}
