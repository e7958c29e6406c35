import type { Json, JsonObject } from '../language/json.js';
import type { ExecutionInfo, Frame, Snapshot } from './snapshot.js';

/** The context object (`$$` / `$states.context`) for a frame's current state, with AWS's key order. */
export function contextObject(
  snapshot: Snapshot,
  frame: Frame,
  stateType: string,
  extra?: { readonly taskToken?: string; readonly mapItem?: { readonly index: number; readonly value: Json } },
): JsonObject {
  const e = frame.childExecution === undefined ? snapshot.execution : childExecutionInfo(snapshot, frame, frame.childExecution);
  const state: JsonObject = { Name: frame.state, EnteredTime: new Date(frame.enteredTime).toISOString() };
  // AWS shows RetryCount only for states that can retry.
  if (stateType === 'Task' || stateType === 'Map' || stateType === 'Parallel') state.RetryCount = frame.retryCount;
  const execution: JsonObject = {
    Id: e.arn,
    Input: e.input,
    StartTime: new Date(e.startTime).toISOString(),
    Name: e.name,
    RoleArn: e.roleArn,
  };
  if (e.type !== 'EXPRESS') execution.RedriveCount = frame.childExecution !== undefined ? e.redriveCount : (snapshot.redriveCount ?? e.redriveCount);
  const ctx: JsonObject = {
    Execution: execution,
    StateMachine: { Id: e.stateMachineArn, Name: e.stateMachineName },
    State: state,
  };
  if (extra?.taskToken !== undefined) ctx.Task = { Token: extra.taskToken };
  // $$.Map.Item exists only while a Map state builds an iteration's input (ItemSelector).
  if (extra?.mapItem !== undefined) ctx.Map = { Item: { Index: extra.mapItem.index, Value: extra.mapItem.value } };
  return ctx;
}


/**
 * Inside a distributed Map's child execution, `$$.Execution` and `$$.StateMachine` are the child's
 * (as on AWS): its ARN and name, its input (the item, or batch, it runs), its start, and the Map
 * Run's machine `MACHINE/LABEL`.
 */
function childExecutionInfo(snapshot: Snapshot, frame: Frame, arn: string): ExecutionInfo {
  // The iteration's own frame: the outermost of this child's frames, whose item is the child's input.
  let iteration = frame;
  for (let up = iteration.parentId === null ? undefined : snapshot.frames[iteration.parentId]; up?.childExecution === arn; up = up.parentId === null ? undefined : snapshot.frames[up.parentId]) iteration = up;
  const parent = snapshot.execution;
  const name = arn.slice(arn.lastIndexOf(':') + 1);
  const stateMachineArn = arn.slice(0, arn.lastIndexOf(':')).replace(':execution:', ':stateMachine:');
  return {
    arn,
    name,
    input: iteration.mapItem?.value ?? null,
    startTime: snapshot.childExecutions?.[arn]?.startTime ?? parent.startTime,
    roleArn: parent.roleArn,
    stateMachineArn,
    stateMachineName: stateMachineArn.slice(stateMachineArn.indexOf(':stateMachine:') + ':stateMachine:'.length),
    redriveCount: 0,
  };
}
