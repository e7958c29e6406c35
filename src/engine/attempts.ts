import type { Frame } from './snapshot.js';
import type { StepContext } from './step.js';

/**
 * Above any event id of an execution's own history (AWS's quota is 25,000 events; redrives add a
 * few): the attempts numbered from the counter never meet one numbered by an event id.
 */
const COUNTED_ATTEMPTS = 100_000_000;

/**
 * The number a task attempt (or a Map Run's read or write) is answered for, unique in the
 * execution: the id of the event that scheduled it, as the store keys its outbox entry and timers
 * by it. In a child execution (a distributed Map's iteration: its ids are its own, the same in every
 * child) or where no event is recorded (Express children), the next of the snapshot's counter.
 */
export function attemptNumber(ctx: StepContext, frame: Frame, eventId: number): number {
  if (frame.childExecution === undefined && frame.silent !== true) return eventId;
  ctx.snapshot.countedAttempts = (ctx.snapshot.countedAttempts ?? 0) + 1;
  return COUNTED_ATTEMPTS + ctx.snapshot.countedAttempts;
}
