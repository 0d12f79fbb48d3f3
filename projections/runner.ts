import type { RecordedEvent } from '../src/core/envelope.js';
import type { EventFilter, Subscription } from '../src/core/event-store.js';
import type { EventLog } from '../src/core/event-log.js';

/**
 * Where a projection keeps its read model and checkpoint. `applyBatch` must apply the events and
 * record the last one's position as the checkpoint atomically, so a crash neither repeats nor skips.
 */
export interface ProjectionTarget {
  readonly name: string;
  /** Events the projection cares about; others are never read. */
  readonly filter?: EventFilter;
  checkpoint(): Promise<number | undefined>;
  applyBatch(events: readonly RecordedEvent[]): Promise<void>;
  /** Drops the read model and its checkpoint. */
  reset(): Promise<void>;
}

export interface RunnerOptions {
  /** Events applied per transaction while catching up. */
  batchSize?: number;
  onError?: (error: unknown) => void;
}

/**
 * Runs a projection from its stored checkpoint: catches up in batches through readAll, then follows
 * the log live through a subscription. The same code serves live updates and a full rebuild.
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private position: number | undefined;
  private waiters: Array<{ position: number; resolve: () => void }> = [];

  constructor(
    private readonly log: EventLog,
    private readonly target: ProjectionTarget,
    private readonly options: RunnerOptions = {},
  ) {}

  /** Starts catching up and following; resolves once caught up with the log as it was. */
  async start(): Promise<void> {
    this.stopped = false;
    this.position = await this.target.checkpoint();
    await this.catchUp();
    if (this.stopped) return;
    this.subscription = this.log.subscribe({ after: this.position, filter: this.target.filter });
    this.running = this.follow(this.subscription).catch((error) => this.options.onError?.(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.running;
    this.subscription = undefined;
    this.running = undefined;
  }

  /** Drops the read model and replays the whole log into it. */
  async rebuild(): Promise<void> {
    await this.stop();
    await this.target.reset();
    await this.start();
  }

  /** Resolves once the projection has applied everything up to `position` (for read-your-writes). */
  async waitFor(position: number): Promise<void> {
    const reached = new Promise<void>((resolve) => this.waiters.push({ position, resolve }));
    this.release();
    // Events the filter skips never move the checkpoint: if nothing relevant lies at or
    // before `position`, the projection is already as fresh as asked.
    for await (const next of this.log.store.readAll({ after: this.position, filter: this.target.filter, maxCount: 1 })) {
      if (next.position > position) this.release(position);
      return reached;
    }
    this.release(position);
    return reached;
  }

  private async catchUp(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    for (;;) {
      const batch: RecordedEvent[] = [];
      for await (const event of this.log.readAll({ after: this.position, filter: this.target.filter, maxCount: batchSize })) {
        batch.push(event);
      }
      if (batch.length > 0) await this.applied(batch);
      if (batch.length < batchSize || this.stopped) return;
    }
  }

  private async follow(subscription: Subscription): Promise<void> {
    for await (const event of subscription) {
      if (this.stopped) return;
      await this.applied([event]);
    }
  }

  private async applied(batch: readonly RecordedEvent[]): Promise<void> {
    await this.target.applyBatch(batch);
    this.position = batch[batch.length - 1]!.position;
    this.release();
  }

  /** Resolves the waiters whose position has been reached (or is known to need nothing). */
  private release(upTo = this.position ?? 0): void {
    const due = this.waiters.filter((w) => w.position <= upTo);
    this.waiters = this.waiters.filter((w) => w.position > upTo);
    for (const waiter of due) waiter.resolve();
  }
}
