// Commands on one stream can only succeed one append at a time, whatever the store: the rest
// conflict and retry, and under heavy contention the wasted loads and appends slow the winner too.
// Within one process they need not collide at all; they take turns instead, and only writers the
// process cannot see (other processes) meet as conflicts and back off.

const turnsByOwner = new WeakMap<object, Map<string, Promise<void>>>();

/** Runs `work` after every earlier work on the same key of the same owner has settled. */
export function takeTurn<T>(owner: object, key: string, work: () => Promise<T>): Promise<T> {
  let turns = turnsByOwner.get(owner);
  if (!turns) turnsByOwner.set(owner, (turns = new Map()));
  const previous = turns.get(key);
  const result = previous ? previous.then(work) : work();
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, settled);
  // The last in line removes the key, so the map only holds streams with work in progress.
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return result;
}
