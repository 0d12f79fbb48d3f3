import { z } from 'zod';
import type { DomainEvent } from './envelope.js';

/** What a field holding personal data reads as once its subject has been forgotten. */
export const ERASED = '[erased]';

/** Marks a leaf schema as personal data: it also accepts the erased marker on read. */
export function personal<S extends z.ZodType<string>>(schema: S) {
  return z.union([schema, z.literal(ERASED)]);
}

/**
 * Declares which fields of an event hold personal data and whose data it is.
 * Paths are dot-separated; `*` stands for every element of an array or every value of a record.
 * The subject path's `*`s bind, in order, to the same positions as the field path's.
 *   { subject: 'contact.id', fields: ['contact.name', 'contact.emails.*'] }
 *   { subject: 'members.*.id', fields: ['members.*.name', 'members.*.emails.*'] }
 */
export interface PersonalDataDeclaration {
  subject: string;
  fields: readonly string[];
}

/** Lifts data of `version` to `version + 1`. */
export type Upcaster = (data: any) => unknown;

export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  type: Type;
  /** Current version of the data shape (1 for a shape that never changed). */
  version: number;
  schema: Schema;
  personal?: readonly PersonalDataDeclaration[];
  /** Keyed by the version they lift from: `{ 1: v1 => v2, 2: v2 => v3 }`. */
  upcasters?: Readonly<Record<number, Upcaster>>;
}

export function defineEvent<const Type extends string, Schema extends z.ZodType>(
  definition: EventDefinition<Type, Schema>,
): EventDefinition<Type, Schema> {
  for (let v = 1; v < definition.version; v++) {
    if (!definition.upcasters?.[v]) throw new Error(`Event ${definition.type} v${definition.version} lacks an upcaster from v${v}.`);
  }
  return definition;
}

/** The domain event type described by a definition. */
export type EventOf<D extends EventDefinition> = DomainEvent<D['type'], z.infer<D['schema']>>;

/** Union of the domain events of a list of definitions. */
export type EventsOf<Ds extends readonly EventDefinition[]> = { [K in keyof Ds]: EventOf<Ds[K]> }[number];

/** Every event type the application knows, by name. */
export class EventRegistry {
  private readonly byType = new Map<string, EventDefinition>();

  constructor(definitions: Iterable<EventDefinition> = []) {
    for (const d of definitions) this.register(d);
  }

  register(definition: EventDefinition): this {
    const existing = this.byType.get(definition.type);
    if (existing && existing !== definition) throw new Error(`Event type ${definition.type} is registered twice.`);
    this.byType.set(definition.type, definition);
    return this;
  }

  get(type: string): EventDefinition | undefined {
    return this.byType.get(type);
  }

  /** Lifts stored data from `fromVersion` to the definition's current version. */
  upcast(definition: EventDefinition, fromVersion: number, data: unknown): unknown {
    let current = data;
    for (let v = fromVersion; v < definition.version; v++) {
      const up = definition.upcasters?.[v];
      if (!up) throw new Error(`no upcaster from v${v}`);
      current = up(current);
    }
    return current;
  }
}
