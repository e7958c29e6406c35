import type { QueryLanguage, StateType } from '../definition.js';
import type { JsonObject } from '../json.js';
import type { Report } from './report.js';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export interface ValidateOptions {
  /** The machine type the definition is for; some resources are refused for EXPRESS. Default STANDARD. */
  readonly type?: StateMachineType;
}

/** What every per-state rule receives. */
export interface StateContext {
  readonly report: Report;
  readonly state: JsonObject;
  /** The state's location, e.g. `/States/P/Branches[0]/States/Name`. */
  readonly path: string;
  readonly name: string;
  readonly type: StateType;
  /** The state's effective query language. */
  readonly ql: QueryLanguage;
  readonly machineType: StateMachineType;
  /** Map Labels seen so far in the whole machine (they must be unique). */
  readonly labels: Set<string>;
}
