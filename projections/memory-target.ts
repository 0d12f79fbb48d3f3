import type { RecordedEvent } from '../src/core/envelope.js';
import type { EventFilter } from '../src/core/event-store.js';
import { applyEach } from './runner-errors.js';
import type { ProjectionTarget } from './runner.js';

/** A pure projection `(readModel, event) → readModel`, kept in memory with its checkpoint. */
export interface PureProjection<Model> {
  name: string;
  filter?: EventFilter;
  initial: () => Model;
  apply: (model: Model, event: RecordedEvent) => Model;
}

export function memoryTarget<Model>(projection: PureProjection<Model>): ProjectionTarget & { readonly model: Model } {
  let model = projection.initial();
  let checkpoint: number | undefined;
  return {
    name: projection.name,
    filter: projection.filter,
    get model() {
      return model;
    },
    async checkpoint() {
      return checkpoint;
    },
    async applyBatch(events, position) {
      // Fold into a new value first: a throwing event leaves model and checkpoint untouched.
      let next = model;
      applyEach(events, (event) => (next = projection.apply(next, event)));
      model = next;
      checkpoint = position;
    },
    async reset() {
      model = projection.initial();
      checkpoint = undefined;
    },
  };
}
