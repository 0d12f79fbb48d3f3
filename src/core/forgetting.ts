import { SubjectForgottenError } from './errors.js';
import type { EventStore } from './event-store.js';
import { personalDataForgotten } from './personal-data.js';
import type { KeyStore } from './ports.js';
import { streams } from '../streams.js';

/**
 * Forgetting, made resumable. The PersonalDataForgotten event is the fact; deleting the key follows
 * it. The key store alone cannot say "forgotten" until that deletion succeeds, so this process keeps
 * its own list of subjects seen forgotten and treats them as keyless meanwhile: once the event
 * exists, nothing here reads or writes their data, and `resume` deletes keys a failure left behind.
 */
export class Forgetting {
  // Grows with the subjects forgotten so far: ids only, a small price for never showing their data.
  private readonly forgotten = new Set<string>();

  constructor(
    private readonly keys: KeyStore,
    private readonly store: EventStore,
  ) {}

  /** The key store as reads and writes must see it: a subject seen forgotten has no key. */
  readonly view: KeyStore = {
    get: (subjectId) => (this.forgotten.has(subjectId) ? Promise.resolve(undefined) : this.keys.get(subjectId)),
    getOrCreate: (subjectId) =>
      this.forgotten.has(subjectId) ? Promise.reject(new SubjectForgottenError()) : this.keys.getOrCreate(subjectId),
    delete: (subjectId) => this.keys.delete(subjectId),
    isForgotten: async (subjectId) => this.forgotten.has(subjectId) || this.keys.isForgotten(subjectId),
  };

  /** Takes note of a recorded forgetting, whoever recorded it. */
  note(subjectId: string): void {
    this.forgotten.add(subjectId);
  }

  /** Deletes the key of a subject whose forgetting is recorded. */
  async finish(subjectId: string): Promise<void> {
    this.note(subjectId);
    await this.keys.delete(subjectId);
  }

  /** Notes every recorded forgetting and deletes the keys still present; returns the subjects whose deletion failed. */
  async resume(): Promise<string[]> {
    const unfinished = new Set<string>();
    const filter = { streamPrefixes: [streams.dataSubject('')], eventTypePrefixes: [personalDataForgotten.type] };
    for await (const event of this.store.readAll({ filter })) {
      if (event.type !== personalDataForgotten.type) continue;
      const parsed = personalDataForgotten.schema.safeParse(event.data);
      if (!parsed.success) continue;
      const { subjectId } = parsed.data;
      this.note(subjectId);
      if (await this.keys.isForgotten(subjectId)) continue;
      try {
        await this.keys.delete(subjectId);
      } catch {
        unfinished.add(subjectId);
      }
    }
    return [...unfinished];
  }
}
