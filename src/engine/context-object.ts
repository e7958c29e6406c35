import type { Json, JsonObject } from '../language/json.js';
import type { Frame, Snapshot } from './snapshot.js';

/** The context object (`$$` / `$states.context`) for a frame's current state, with AWS's key order. */
export function contextObject(
  snapshot: Snapshot,
  frame: Frame,
  stateType: string,
  extra?: { readonly taskToken?: string; readonly mapItem?: { readonly index: number; readonly value: Json } },
): JsonObject {
  const e = snapshot.execution;
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
  if (e.type !== 'EXPRESS') execution.RedriveCount = snapshot.redriveCount ?? e.redriveCount;
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

