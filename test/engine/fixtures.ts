// Small in-process Task resources and history views shared by the engine tests.
import type { Json } from '../../src/language/json.js';
import { virtualClock } from '../../src/engine/index.js';
import { runExecution, type ExecutionResult, type RunExecutionOptions } from '../../src/scheduler/in-memory.js';
import type { Clock, HistoryEvent, TaskRequest, TaskResources, TaskResult } from '../../src/engine/index.js';

/** A resource that records every request (and the clock's time when it arrived) and answers with `answer`. */
export class RecordingResources implements TaskResources {
  readonly requests: TaskRequest[] = [];
  readonly times: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly answer: (request: TaskRequest, call: number) => TaskResult | Promise<TaskResult>,
  ) {}

  invoke(request: TaskRequest): Promise<TaskResult> {
    this.requests.push(request);
    this.times.push(this.clock.now());
    return Promise.resolve(this.answer(request, this.requests.length));
  }
}

/** Answers every request with its own parameters. */
export const echo = (request: TaskRequest): TaskResult => ({ ok: true, output: request.parameters });

/** Fails the first `failures` calls with `error`, then answers `output`. */
export const failThenSucceed =
  (failures: number, error: string, cause: string, output: Json) =>
  (_request: TaskRequest, call: number): TaskResult =>
    call <= failures ? { ok: false, error, cause } : { ok: true, output };

/** Never answers: the Task can only end by timing out. */
export const neverAnswers = (): Promise<TaskResult> => new Promise<TaskResult>(() => undefined);

/** Runs a definition on a virtual clock with fixed ids, so history is deterministic. */
export async function run(definition: unknown, options: RunExecutionOptions = {}): Promise<ExecutionResult> {
  let n = 0;
  return runExecution(definition, {
    clock: virtualClock(),
    name: 'exec',
    uuid: () => `uuid-${++n}`,
    random: () => 0.5,
    ...options,
  });
}

/** The history as GetExecutionHistory would serialise it, without timestamps. */
export function plainHistory(events: readonly HistoryEvent[]): Record<string, unknown>[] {
  return events.map((e) => {
    const plain = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    delete plain.timestamp;
    return plain;
  });
}

/** `[id, previousEventId, type]` for each event: the skeleton AWS's ordering rules are about. */
export function skeleton(events: readonly HistoryEvent[]): [number, number, string][] {
  return events.map((e) => [e.id, e.previousEventId, e.type]);
}

export function types(events: readonly HistoryEvent[]): string[] {
  return events.map((e) => e.type);
}

/** The details object of the first event of `type` (payload fields as JSON text, as AWS sends them). */
export function detailsOf(events: readonly HistoryEvent[], type: string, nth = 0): Record<string, unknown> {
  const found = plainHistory(events.filter((e) => e.type === type))[nth];
  if (found === undefined) throw new Error(`no ${type} event #${nth}`);
  const key = Object.keys(found).find((k) => k.endsWith('EventDetails'));
  return key === undefined ? {} : (found[key] as Record<string, unknown>);
}

export const output = (r: ExecutionResult): unknown => (r.output === undefined ? undefined : JSON.parse(r.output));

/** A one-state machine around `state` named `S` (End: true added where the type needs it). */
export function single(state: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const terminal = state.Type === 'Succeed' || state.Type === 'Fail' || state.Type === 'Choice' || 'Next' in state;
  return { StartAt: 'S', ...extra, States: { S: terminal ? state : { ...state, End: true } } };
}

/** A one-state flow (a Parallel branch or Map processor) whose only state is `name`. */
export function flow(name: string, state: Record<string, unknown>): { StartAt: string; States: Record<string, Record<string, unknown>> } {
  const terminal = state.Type === 'Succeed' || state.Type === 'Fail' || state.Type === 'Choice' || 'Next' in state;
  return { StartAt: name, States: { [name]: terminal ? state : { ...state, End: true } } };
}
