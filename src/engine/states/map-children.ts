/**
 * A distributed Map's iterations as child executions, as AWS runs them: each has its own ARN
 * (`arn:…:execution:MACHINE/LABEL:UUID`), status and history (ExecutionStarted, the states' events,
 * ExecutionSucceeded/Failed/Aborted). The parent's advance still drives the iterations in its own
 * snapshot; their events go to the child's history (HistoryWriter.emitChild) and the advance
 * reports each child it touched (`ChildExecutionChange`), which the store writes in the same commit.
 */
import { createHash } from 'node:crypto';
import type { Json } from '../../language/json.js';
import { errorDetails, inputDetails, outputDetails } from '../history.js';
import type { Frame } from '../snapshot.js';
import type { StepContext } from '../step.js';

/**
 * The child's name, a UUID made from its Map Run and index: the same on every replay of the
 * advance, and known to the ResultWriter later without keeping one name per item in the snapshot.
 */
export function childExecutionNameOf(mapRunArn: string, index: number): string {
  const h = createHash('sha256').update(`${mapRunArn}#${index}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `arn:…:mapRun:MACHINE/LABEL:RUN` → `arn:…:stateMachine:MACHINE/LABEL`, the children's machine, as AWS names a Map Run's machine. */
export function childStateMachineArnOf(mapRunArn: string): string {
  const at = mapRunArn.indexOf(':mapRun:');
  return `${mapRunArn.slice(0, at)}:stateMachine:${mapRunArn.slice(at + ':mapRun:'.length, mapRunArn.lastIndexOf(':'))}`;
}

/** The ARN of the Map Run's child execution for item `index`. */
export function childExecutionArnOf(mapRunArn: string, index: number): string {
  return childArnOf(mapRunArn, childExecutionNameOf(mapRunArn, index));
}

/** `arn:…:execution:MACHINE/LABEL:NAME`: the children's machine, as an execution of it (names hold no `:`). */
function childArnOf(mapRunArn: string, name: string): string {
  return `${childStateMachineArnOf(mapRunArn).replace(':stateMachine:', ':execution:')}:${name}`;
}

/** Starts the child execution of item `index`: its record and its ExecutionStarted. Answers its ARN. */
export function startChildExecution(ctx: StepContext, mapRunArn: string, index: number, input: Json): string {
  const name = childExecutionNameOf(mapRunArn, index);
  const arn = childArnOf(mapRunArn, name);
  const snapshot = ctx.snapshot;
  (snapshot.childExecutions ??= {})[arn] = { lastEventId: 0, startTime: ctx.now };
  const change = ctx.history.childChange(arn)!;
  change.start = { mapRunArn, stateMachineArn: childStateMachineArnOf(mapRunArn), name, input };
  // As a top-level ExecutionStarted: linked to nothing, and the first state links to nothing either.
  ctx.history.emitChild(null, arn, 'ExecutionStarted', 'executionStartedEventDetails', inputDetails(input, snapshot.execution.roleArn));
  return arn;
}

/** The iteration ended: its child execution succeeds or fails with it. */
export function endChildExecution(ctx: StepContext, child: Frame, result: NonNullable<Frame['result']>): void {
  const arn = child.childExecution;
  if (arn === undefined) return;
  const change = ctx.history.childChange(arn);
  if (change === undefined) return;
  if (result.ok) {
    ctx.history.emitChild(child, arn, 'ExecutionSucceeded', 'executionSucceededEventDetails', outputDetails(result.output));
    change.end = { status: 'SUCCEEDED', output: result.output };
  } else {
    ctx.history.emitChild(child, arn, 'ExecutionFailed', 'executionFailedEventDetails', errorDetails(result.error, result.cause));
    change.end = { status: 'FAILED', error: result.error, ...(result.cause !== undefined ? { cause: result.cause } : {}) };
  }
  forget(ctx, arn);
}

/**
 * Child executions whose frames are gone without an end of their own (a sibling failed the Map
 * Run, the parent was stopped, failed or timed out) are aborted, as AWS aborts a Map Run's children.
 */
export function abortOrphanedChildren(ctx: StepContext): void {
  const running = ctx.snapshot.childExecutions;
  if (running === undefined) return;
  const live = new Set<string>();
  for (const id in ctx.snapshot.frames) {
    const arn = ctx.snapshot.frames[id].childExecution;
    if (arn !== undefined) live.add(arn);
  }
  const arns = Object.keys(running);
  let left = arns.length;
  for (const arn of arns) {
    if (live.has(arn)) continue;
    const change = ctx.history.childChange(arn)!;
    ctx.history.emitChild(null, arn, 'ExecutionAborted', 'executionAbortedEventDetails', {}, true, running[arn].lastEventId);
    change.end = { status: 'ABORTED' };
    forget(ctx, arn);
    left--;
  }
  if (left === 0) delete ctx.snapshot.childExecutions;
}

/** The child ended: its counter goes (the emptied table goes at the end of the advance, abortOrphanedChildren). */
function forget(ctx: StepContext, arn: string): void {
  delete ctx.snapshot.childExecutions![arn];
}
