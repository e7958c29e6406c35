export { advance, createSnapshot, type AdvanceResult } from './advance.js';
export { systemClock, virtualClock } from './clock.js';
export { encodeTaskToken, taskTokenExecution } from './task-token.js';
export { compileMachine, type CompiledMachine } from './compile.js';
export { taskTimeoutKey, type Effect, type EngineEvent } from './effects.js';
export { materializeEvent, materializeEvents, type HistoryRecord, type PayloadTexts } from './history.js';
export {
  InvalidDefinitionError,
  InvalidExecutionInputError,
  parseExecutionInput,
  prepareMachine,
  runExecution,
  type ExecutionResult,
  type RunExecutionOptions,
} from './run.js';
export { framePath, tasksWaitingByState, waitingAttempts, waitingCallbacks, type WaitingAttempt, type WaitingCallback } from './query.js';
export type { ExecutionInfo, Snapshot } from './snapshot.js';
export type { Ids } from './step.js';
export type * from './types.js';
