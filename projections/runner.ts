import type { RecordedEvent } from '../src/core/envelope.js';
import type { EventFilter, Subscription, SubscriptionMessage } from '../src/core/event-store.js';
import type { EventLog } from '../src/core/event-log.js';
import { nextTurn } from '../src/core/log-messages.js';
import { EventApplyError, ProjectionFailedError, ProjectionStateError, type ProjectionState } from './runner-errors.js';

export * from './runner-errors.js';

/**
 * Where a projection keeps its read model and checkpoint. `applyBatch` must apply the events and
 * record `checkpoint` atomically, so a crash neither repeats nor skips. The checkpoint is at or
 * past the last event's position (past it when the filter skipped events after it); `events` is
 * empty when only the checkpoint moves on.
 */
export interface ProjectionTarget {
  readonly name: string;
  /** Events the projection cares about; others are never read. */
  readonly filter?: EventFilter;
  checkpoint(): Promise<number | undefined>;
  applyBatch(events: readonly RecordedEvent[], checkpoint: number): Promise<void>;
  /** Drops the read model and its checkpoint. */
  reset(): Promise<void>;
}

export interface RunnerOptions {
  /** Most events applied per transaction, catching up and live. */
  batchSize?: number;
  /**
   * How often, at most, a checkpoint that only skipped events (no read-model change) is written.
   * In memory the position moves on at once; a crash costs re-reading at most this long's skipped events.
   */
  checkpointIntervalMs?: number;
  /** Told of the error when the projection fails (it is also in `status` and rejects `waitFor`). */
  onError?: (error: unknown) => void;
  /** Told the position reached after each committed batch (a rebuild's progress). */
  onProgress?: (position: number) => void;
}

export interface ProjectionStatus {
  state: ProjectionState;
  /** Everything at or before it that passes the filter has been applied. */
  position: number | undefined;
  /** Set in state `failed`: the event whose apply threw (or the position reached) and the error. */
  failure?: { position: number | undefined; error: ProjectionFailedError };
}

/** One catch-up-and-follow run; replaced runs are halted before the next one reads anything. */
interface Run {
  stopped: boolean;
  subscription?: Subscription;
  done: Promise<void>;
}

const NOT_READY: unique symbol = Symbol('not ready');

/**
 * Runs a projection from its stored checkpoint: catches up in batches through readAll, then follows
 * the log live through a subscription, applying what has arrived in one batch. The same code serves
 * live updates and a full rebuild. One run at a time: `start()` while running is refused,
 * `rebuild()` and `stop()` wait for the current run to finish its batch.
 */
export class ProjectionRunner {
  private state: ProjectionState = 'idle';
  private run: Run | undefined;
  /** The latest run launched, stopped or not: the next one waits for its batch in progress. */
  private latest: Run | undefined;
  private position: number | undefined;
  private persisted: number | undefined;
  private persistedAt = 0;
  private failure: ProjectionStatus['failure'];
  private waiters: Array<{ position: number; resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly log: EventLog,
    private readonly target: ProjectionTarget,
    private readonly options: RunnerOptions = {},
  ) {}

  get status(): ProjectionStatus {
    const status: ProjectionStatus = { state: this.state, position: this.position };
    if (this.failure) status.failure = this.failure;
    return status;
  }

  /** Starts catching up and following; resolves once caught up with the log (or once stopped). */
  start(): Promise<void> {
    if (this.state === 'catching_up' || this.state === 'live' || this.state === 'rebuilding') {
      return Promise.reject(new ProjectionStateError(this.target.name, this.state, 'start'));
    }
    return this.launch('catching_up');
  }

  /** Drops the read model and replays the whole log into it; a run in progress is stopped first. */
  rebuild(): Promise<void> {
    if (this.state === 'rebuilding') return Promise.reject(new ProjectionStateError(this.target.name, this.state, 'rebuild'));
    return this.launch('rebuilding');
  }

  /** Stops after the batch in progress, keeping what was applied; `start()` resumes from there. */
  async stop(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    this.state = 'stopped';
    this.failure = undefined;
    if (run) await halt(run);
  }

  /**
   * Resolves once the projection has applied everything up to `position` (read-your-writes);
   * rejects if the projection has failed or fails before getting there.
   */
  async waitFor(position: number): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (this.position !== undefined && this.position >= position) return;
    const reached = new Promise<void>((resolve, reject) => this.waiters.push({ position, resolve, reject }));
    // If nothing the filter passes lies between our position and `position`, we are as fresh as asked.
    for await (const next of this.log.store.readAll({ after: this.position, filter: this.target.filter, maxCount: 1 })) {
      if (next.position > position) this.release(position);
      return reached;
    }
    this.release(position);
    return reached;
  }

  private launch(state: 'catching_up' | 'rebuilding'): Promise<void> {
    // A run stop() let go of may still be applying a batch: waiting for it keeps that batch single.
    const previous = this.latest;
    this.state = state;
    this.failure = undefined;
    const run: Run = { stopped: false, done: Promise.resolve() };
    this.run = run;
    this.latest = run;
    let caughtUp!: () => void;
    let failed!: (error: unknown) => void;
    const ready = new Promise<void>((resolve, reject) => ((caughtUp = resolve), (failed = reject)));
    run.done = (async () => {
      // The run replaced here applies its last batch before this one reads a checkpoint.
      if (previous) await halt(previous);
      if (run.stopped) return caughtUp();
      try {
        if (state === 'rebuilding') await this.target.reset();
        this.position = this.persisted = await this.target.checkpoint();
        await this.catchUp(run);
        if (run.stopped) return caughtUp();
        run.subscription = this.log.subscribe({ after: this.position, filter: this.target.filter });
        this.state = 'live';
        caughtUp();
        await this.follow(run, run.subscription);
        if (!run.stopped) this.state = 'stopped'; // the store was closed
      } catch (error) {
        if (run.stopped) return caughtUp();
        const failure = this.fail(run, error);
        failed(failure);
      } finally {
        // A stopped or replaced run writes where it got to; the next run waits for this.
        await this.persistSkipped(true).catch(() => undefined);
      }
    })();
    return ready;
  }

  private async catchUp(run: Run): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let reached = this.position;
    let batch: RecordedEvent[] = [];
    const onCheckpoint = (position: number) => (reached = Math.max(reached ?? 0, position));
    for await (const event of this.log.readAll({ after: this.position, filter: this.target.filter, onCheckpoint })) {
      if (run.stopped) return;
      batch.push(event);
      reached = event.position;
      if (batch.length >= batchSize) {
        await this.commit(run, batch, reached);
        batch = [];
      }
    }
    if (batch.length > 0) await this.commit(run, batch, reached!);
    else if (reached !== undefined) await this.advance(run, reached);
  }

  /** Applies live events in batches: whatever has already arrived, up to batchSize, at once. */
  private async follow(run: Run, subscription: Subscription): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const messages = subscription.withCheckpoints()[Symbol.asyncIterator]();
    let next = messages.next();
    for (;;) {
      // Awaited one at a time: checkpoint writes never overtake each other.
      let result: IteratorResult<SubscriptionMessage> | typeof NOT_READY = await next;
      if (result.done || run.stopped) return;
      const batch: RecordedEvent[] = [];
      let reached = this.position ?? 0;
      while (result !== NOT_READY && !result.done) {
        const message: SubscriptionMessage = result.value;
        if ('checkpoint' in message) reached = Math.max(reached, message.checkpoint);
        else {
          batch.push(message);
          reached = message.position;
        }
        next = messages.next();
        next.catch(() => undefined); // awaited below or on the next round; a rejection is not lost
        if (batch.length >= batchSize) break;
        // Take what the subscription can hand over without waiting for a new append.
        result = await Promise.race([next, nextTurn().then((): typeof NOT_READY => NOT_READY)]);
      }
      if (run.stopped) return;
      if (batch.length > 0) await this.commit(run, batch, reached);
      else await this.advance(run, reached);
      if (result !== NOT_READY && result.done) return;
    }
  }

  private async commit(run: Run, batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    try {
      await this.target.applyBatch(batch, checkpoint);
    } catch (error) {
      if (error instanceof EventApplyError) throw new ProjectionFailedError(this.target.name, error.event.position, error.cause);
      throw new ProjectionFailedError(this.target.name, batch[0]?.position, error);
    }
    this.persisted = checkpoint;
    this.persistedAt = Date.now();
    this.moveTo(run, checkpoint);
    this.options.onProgress?.(checkpoint);
  }

  /** Progress over skipped events only: known at once, written now and then. */
  private async advance(run: Run, position: number): Promise<void> {
    this.moveTo(run, position);
    this.options.onProgress?.(position);
    if (this.run === run) await this.persistSkipped(false);
  }

  private async persistSkipped(always: boolean): Promise<void> {
    const position = this.position;
    // Never backwards: a stopped run's last batch may have committed past the position it knew.
    if (position === undefined || (this.persisted !== undefined && position <= this.persisted)) return;
    if (!always && Date.now() - this.persistedAt < (this.options.checkpointIntervalMs ?? 1000)) return;
    this.persisted = position;
    this.persistedAt = Date.now();
    await this.target.applyBatch([], position);
  }

  private moveTo(run: Run, position: number): void {
    if (this.run !== run) return;
    this.position = Math.max(this.position ?? 0, position);
    this.release();
  }

  private fail(run: Run, error: unknown): ProjectionFailedError {
    const failure = error instanceof ProjectionFailedError ? error : new ProjectionFailedError(this.target.name, this.position, error);
    if (this.run !== run) return failure;
    run.stopped = true;
    void run.subscription?.close();
    this.state = 'failed';
    this.failure = { position: failure.position, error: failure };
    for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
    this.options.onError?.(failure);
    return failure;
  }

  /** Resolves the waiters whose position has been reached (or is known to need nothing). */
  private release(upTo = this.position ?? 0): void {
    const due = this.waiters.filter((w) => w.position <= upTo);
    this.waiters = this.waiters.filter((w) => w.position > upTo);
    for (const waiter of due) waiter.resolve();
  }
}

/** Stops a run after its batch in progress and waits until it has let go. */
async function halt(run: Run): Promise<void> {
  run.stopped = true;
  await run.subscription?.close();
  await run.done.catch(() => undefined);
}
