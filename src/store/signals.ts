/**
 * What one process tells the others that share a store, keyed by the ARN it is about:
 * - `executionFinished` (execution ARN): the execution is no longer RUNNING;
 * - `workAvailable` (execution ARN): it has inbox events to apply;
 * - `activityTaskAvailable` (activity ARN): a task of the activity waits for a worker;
 * - `activityDeleted`, `activityCreated` (activity ARN): DeleteActivity and CreateActivity, so that
 *   every process fails a task on a deleted activity at once, as AWS does (the engine asks
 *   synchronously, so each process keeps the set of deletions it heard of).
 * The store raises the first two after the commit that implies them (rules/signals.ts says which),
 * the third once it has queued an activity task (enqueueActivityTask). SQLite delivers them in-process; a
 * PostgreSQL store will carry them with LISTEN/NOTIFY. A signal says "look again", never what to
 * find: a listener reads the store, so a signal lost or doubled costs a look, not correctness.
 */
export type SignalKind = 'executionFinished' | 'workAvailable' | 'activityTaskAvailable' | 'activityDeleted' | 'activityCreated';

export interface StoreSignals {
  /** Calls `listener` with the key each time `kind` is raised for `key` (for every key when undefined); answers the unsubscribe. */
  on(kind: SignalKind, key: string | undefined, listener: (key: string) => void): () => void;
  /** Raises a signal no commit implies (an activity task handed to its dispatcher). */
  publish(kind: SignalKind, key: string): void;
}

type Listener = (key: string) => void;

/** In-process signals: listeners by kind and key; a listener that throws harms no other. */
export class SignalHub implements StoreSignals {
  private readonly keyed = new Map<SignalKind, Map<string, Set<Listener>>>();
  private readonly all = new Map<SignalKind, Set<Listener>>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => undefined) {}

  on(kind: SignalKind, key: string | undefined, listener: Listener): () => void {
    if (key === undefined) {
      let set = this.all.get(kind);
      if (set === undefined) this.all.set(kind, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    }
    let byKey = this.keyed.get(kind);
    if (byKey === undefined) this.keyed.set(kind, (byKey = new Map()));
    let set = byKey.get(key);
    if (set === undefined) byKey.set(key, (set = new Set()));
    set.add(listener);
    const keys = byKey;
    return () => {
      set.delete(listener);
      if (set.size === 0 && keys.get(key) === set) keys.delete(key);
    };
  }

  publish(kind: SignalKind, key: string): void {
    const keyed = this.keyed.get(kind)?.get(key);
    if (keyed !== undefined) this.callAll(keyed, key);
    const all = this.all.get(kind);
    if (all !== undefined) this.callAll(all, key);
  }

  /** Each listener there is now (one added meanwhile waits for the next signal); one alone needs no copy. */
  private callAll(set: ReadonlySet<Listener>, key: string): void {
    if (set.size === 1) for (const l of set) return this.call(l, key);
    for (const l of [...set]) this.call(l, key);
  }

  private call(listener: Listener, key: string): void {
    try {
      listener(key);
    } catch (e) {
      this.onListenerError(e);
    }
  }
}
