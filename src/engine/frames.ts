import type { Json } from '../language/json.js';
import type { Frame } from './snapshot.js';
import type { StepContext } from './step.js';

/** A frame about to run `startAt` of `scope` with `input`; nothing has happened in it yet. */
export function newFrame(
  fields: Pick<Frame, 'id' | 'parentId' | 'scope' | 'index' | 'prevId' | 'input' | 'pendingEnter'> & { readonly startAt: string },
): Frame {
  return {
    id: fields.id,
    parentId: fields.parentId,
    scope: fields.scope,
    index: fields.index,
    prevId: fields.prevId,
    variables: {},
    state: fields.startAt,
    input: fields.input,
    enteredEventId: 0,
    enteredTime: 0,
    enteredPrevId: 0,
    retryCounts: [],
    retryCount: 0,
    wait: null,
    pendingEnter: fields.pendingEnter,
  };
}

/** Starts a child frame (Parallel branch or Map iteration) that continues from its parent's source event. */
export function spawnFrame(
  ctx: StepContext,
  parent: Frame,
  scope: string,
  index: number,
  input: Json,
  mapItem?: Frame['mapItem'],
  silent = parent.silent === true,
  childExecution = parent.childExecution,
): Frame {
  const compiled = ctx.machine.scopes.get(scope);
  if (compiled === undefined) throw new Error(`no compiled scope ${scope}`);
  const id = `f${++ctx.snapshot.frameSeq}`;
  const frame = newFrame({ id, parentId: parent.id, scope, index, prevId: parent.prevId, input, pendingEnter: true, startAt: compiled.startAt });
  if (mapItem !== undefined) (frame as { mapItem?: Frame['mapItem'] }).mapItem = mapItem;
  if (silent) (frame as { silent?: boolean }).silent = true;
  if (childExecution !== undefined) (frame as { childExecution?: string }).childExecution = childExecution;
  ctx.snapshot.frames[id] = frame;
  return frame;
}

/** Removes every descendant of a frame (its Map iterations / Parallel branches, recursively). */
export function dropDescendants(ctx: StepContext, parent: Frame): Frame[] {
  const dropped: Frame[] = [];
  const frames = ctx.snapshot.frames;
  let changed = true;
  const doomed = new Set([parent.id]);
  while (changed) {
    changed = false;
    for (const id of Object.keys(frames)) {
      const f = frames[id];
      if (f.parentId !== null && doomed.has(f.parentId) && !doomed.has(id)) {
        doomed.add(id);
        dropped.push(f);
        changed = true;
      }
    }
  }
  for (const f of dropped) delete frames[f.id];
  return dropped;
}

/** The type of the state a frame is in (Pass, Task …). */
export function stateTypeOf(ctx: StepContext, frame: Frame): string | undefined {
  return ctx.machine.scopes.get(frame.scope)?.states.get(frame.state)?.type;
}

/**
 * A branch or iteration failed: the parent's other children stop. AWS records a `<Type>StateAborted`
 * for each child's current state (and `MapIterationAborted` for Map iterations), then a
 * TaskStateAborted for the failing child's own Task when a task failed it (recorded: not for a Fail
 * state or a Pass whose expression failed), all linked to the failing child's last event, in child
 * order; then the children and their descendants are dropped.
 */
export function abortSiblings(ctx: StepContext, parent: Frame, failing: Frame, mapName?: string, distributed = false): void {
  const siblings = Object.values(ctx.snapshot.frames)
    .filter((f) => f.parentId === parent.id && f.id !== failing.id)
    .sort((a, b) => a.index - b.index);
  for (const f of siblings) {
    const type = stateTypeOf(ctx, f);
    // A distributed Map's sibling is a child execution: its abort is in its own history, linked to
    // its own last event, and ends in ExecutionAborted (map-children.ts) instead of MapIterationAborted.
    const prev = distributed ? f.prevId : failing.prevId;
    if (f.enteredEventId > 0 && f.result === undefined && type !== undefined) {
      ctx.history.emit(f, `${type}StateAborted`, undefined, undefined, false, prev);
    }
    if (mapName !== undefined && !distributed) {
      ctx.history.emit(f, 'MapIterationAborted', 'mapIterationAbortedEventDetails', { index: f.index, name: mapName }, false, failing.prevId);
    }
  }
  // The failing child of a distributed Map has ended its own execution already.
  if (!distributed && stateTypeOf(ctx, failing) === 'Task') ctx.history.emit(failing, 'TaskStateAborted', undefined, undefined, false, failing.prevId);
  dropDescendants(ctx, parent);
}

/** The progress a redrive carries into a Map or Parallel, when it is for the same number of children. */
export function takeRedrive(frame: Frame, total: number): { done: boolean[]; results: Json[] } | undefined {
  const carried = frame.redriveFrom;
  frame.redriveFrom = undefined;
  if (carried === undefined || carried.done.length !== total) return undefined;
  return { done: [...carried.done], results: [...carried.results] };
}

/** Wakes a frame with an event for its current state. */
export function wake(ctx: StepContext, frame: Frame, resume: NonNullable<Frame['resume']>): void {
  frame.wait = null;
  frame.resume = resume;
  ctx.ready.push(frame);
}
