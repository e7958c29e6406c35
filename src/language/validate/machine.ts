/**
 * Walks a whole definition: the top level, then every scope (the machine, each Parallel branch,
 * each Map processor) with an explicit work list, never recursion, and each state in it.
 */
import { STATE_TYPES, type QueryLanguage, type StateType } from '../definition.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { JsonPathSegment } from '../json-scan.js';
import { checkChoice } from './choice.js';
import type { StateContext, StateMachineType } from './context.js';
import { checkFail } from './fail.js';
import { STATE_FIELDS, checkQueryLanguageValue, checkStateFields, resolveQueryLanguage } from './fields.js';
import { checkGraph, type Edge, type ScopeGraph } from './graph.js';
import { checkIo } from './io.js';
import { checkMap } from './map.js';
import { CODES, field, index, Report } from './report.js';
import { checkCatch, checkRetry } from './retry-catch.js';
import { checkTask } from './task.js';
import { checkWait } from './wait.js';
import { checkArray, checkBoolean, checkEnum, checkInteger, checkNotBoth, checkObject, checkString, get, has, requireFields, typeMessage } from './values.js';

export const MAX_STATE_NAME_LENGTH = 80;

const TOP_LEVEL_FIELDS = new Set(['Comment', 'StartAt', 'States', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
const BRANCH_FIELDS = new Set(['Comment', 'StartAt', 'States']);
const PROCESSOR_FIELDS = new Set(['Comment', 'StartAt', 'States', 'ProcessorConfig']);
const PROCESSOR_CONFIG_FIELDS = new Set(['Mode', 'ExecutionType']);

const WITH_TRANSITION: ReadonlySet<StateType> = new Set(['Pass', 'Task', 'Wait', 'Parallel', 'Map']);

interface PendingScope {
  readonly scope: Json;
  readonly path: string;
  readonly kind: 'machine' | 'branch' | 'processor';
}

interface Walk {
  readonly report: Report;
  readonly machineQl: QueryLanguage;
  readonly machineType: StateMachineType;
  readonly pending: PendingScope[];
  /** State name → where it was first defined (names are unique in the whole machine). */
  readonly names: Map<string, string>;
  readonly labels: Set<string>;
}

/** AWS location of a JSON path (`['States','P','Branches',0]` → `/States/P/Branches[0]`). */
export function locationOf(segments: readonly JsonPathSegment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : `/${s}`;
  return out === '' ? '/' : out;
}

export function validateMachine(
  value: unknown,
  machineType: StateMachineType,
  duplicateKeys: readonly { path: readonly JsonPathSegment[]; key: string }[],
): Report {
  const report = new Report();
  if (!isJsonObject(value as Json)) {
    report.schemaError('/', typeMessage('OBJECT'));
    return report;
  }
  const root = value as JsonObject;
  for (const key of Object.keys(root)) if (!TOP_LEVEL_FIELDS.has(key)) report.schemaError('/', `Field '${key}' is not supported`);
  requireFields(report, root, '/', ['States', 'StartAt']);
  checkQueryLanguageValue(report, root, '/');
  if (has(root, 'Comment')) checkString(report, get(root, 'Comment'), '/Comment');
  if (has(root, 'Version')) checkString(report, get(root, 'Version'), '/Version');
  if (has(root, 'TimeoutSeconds')) checkInteger(report, get(root, 'TimeoutSeconds'), '/TimeoutSeconds', { min: 0, max: 99999999 });

  // JSON.parse keeps only the last of two equal keys; the scan saw both.
  for (const dup of duplicateKeys) {
    if (dup.path[dup.path.length - 1] === 'States') {
      report.error(CODES.duplicateStateName, `${locationOf(dup.path)}/${dup.key}`, `Duplicate State name: ${dup.key}`);
    }
  }

  const walk: Walk = {
    report,
    machineQl: resolveQueryLanguage(get(root, 'QueryLanguage'), 'JSONPath'),
    machineType,
    pending: [{ scope: root, path: '/', kind: 'machine' }],
    names: new Map(),
    labels: new Set(),
  };
  for (let i = 0; i < walk.pending.length; i++) checkScope(walk, walk.pending[i]);
  return report;
}

function checkScope(walk: Walk, { scope, path, kind }: PendingScope): void {
  const { report } = walk;
  if (!isJsonObject(scope)) {
    report.schemaError(path, typeMessage('OBJECT'));
    return;
  }
  if (kind !== 'machine') {
    const known = kind === 'branch' ? BRANCH_FIELDS : PROCESSOR_FIELDS;
    // A branch or processor is not a state: it carries no QueryLanguage (measured on AWS).
    for (const key of Object.keys(scope)) if (!known.has(key)) report.schemaError(path, `Field '${key}' is not supported`);
    requireFields(report, scope, path, ['States', 'StartAt']);
    if (has(scope, 'Comment')) checkString(report, get(scope, 'Comment'), field(path, 'Comment'));
    if (kind === 'processor' && has(scope, 'ProcessorConfig')) checkProcessorConfig(report, get(scope, 'ProcessorConfig'), field(path, 'ProcessorConfig'));
  }
  const startAt = get(scope, 'StartAt');
  const startOk = has(scope, 'StartAt') && checkString(report, startAt, field(path, 'StartAt'));
  const states = get(scope, 'States');
  if (!has(scope, 'States') || !checkObject(report, states, field(path, 'States'))) return;

  const graph: ScopeGraph = {
    startAt: startOk ? { target: startAt as string, at: field(path, 'StartAt') } : undefined,
    states: new Map(),
    topLevel: kind === 'machine',
  };
  const statesPath = field(path, 'States');
  for (const name of Object.keys(states)) {
    const at = `${statesPath}/${name}`;
    checkStateName(walk, name, at);
    const node = checkState(walk, states[name], name, at);
    graph.states.set(name, { at, ...node });
  }
  if (startOk) checkGraph(report, graph);
}

function isControlCharacter(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function checkStateName(walk: Walk, name: string, at: string): void {
  if ([...name].length > MAX_STATE_NAME_LENGTH) {
    walk.report.error(CODES.invalidStateName, at, `State name cannot be longer than ${MAX_STATE_NAME_LENGTH} characters`);
  } else if ([...name].some(isControlCharacter)) {
    walk.report.error(CODES.invalidStateName, at, 'State name contains invalid characters');
  }
  if (walk.names.has(name)) walk.report.error(CODES.duplicateStateName, at, `Duplicate State name: ${name}`);
  else walk.names.set(name, at);
}

function checkProcessorConfig(report: Report, config: Json | undefined, at: string): void {
  if (!checkObject(report, config, at)) return;
  for (const key of Object.keys(config)) if (!PROCESSOR_CONFIG_FIELDS.has(key)) report.schemaError(at, `Field '${key}' is not supported`);
  if (has(config, 'Mode')) checkEnum(report, get(config, 'Mode'), field(at, 'Mode'), ['INLINE', 'DISTRIBUTED']);
  if (has(config, 'ExecutionType')) checkEnum(report, get(config, 'ExecutionType'), field(at, 'ExecutionType'), ['STANDARD', 'EXPRESS']);
  if (get(config, 'Mode') === 'DISTRIBUTED' && !has(config, 'ExecutionType')) report.schemaError(at, 'These fields are required: [ExecutionType]');
}

/** Validates one state; returns its outgoing edges and whether it is terminal. */
function checkState(walk: Walk, value: Json, name: string, path: string): { edges: Edge[]; terminal: boolean } {
  const { report } = walk;
  // An unusable state counts as terminal so that one mistake does not also read as MISSING_END_STATE.
  const unusable = { edges: [], terminal: true };
  if (!isJsonObject(value)) {
    report.schemaError(path, typeMessage('OBJECT'));
    return unusable;
  }
  const state = value;
  if (!requireFields(report, state, path, ['Type'])) return unusable;
  if (!checkEnum(report, get(state, 'Type'), field(path, 'Type'), STATE_TYPES)) return unusable;
  const type = get(state, 'Type') as StateType;

  const declared = get(state, 'QueryLanguage');
  const downgraded = walk.machineQl === 'JSONata' && declared === 'JSONPath';
  if (downgraded) report.schemaError(path, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
  const ql = resolveQueryLanguage(declared, walk.machineQl);
  checkStateFields(report, state, path, type, ql, downgraded);
  checkQueryLanguageValue(report, state, path);

  const ctx: StateContext = { report, state, path, name, type, ql, machineType: walk.machineType, labels: walk.labels };
  checkIo(ctx);
  const edges: Edge[] = [];
  let terminal = type === 'Succeed' || type === 'Fail';

  if (WITH_TRANSITION.has(type)) {
    if (checkNotBoth(report, state, path, 'Next', 'End')) {
      const end = get(state, 'End');
      if (has(state, 'End') && checkBoolean(report, end, field(path, 'End'))) terminal = end === true;
      if (has(state, 'Next')) {
        const next = get(state, 'Next');
        if (checkString(report, next, field(path, 'Next'))) edges.push({ target: next, at: field(path, 'Next') });
      } else if (!terminal && !(has(state, 'End') && typeof end !== 'boolean')) {
        report.schemaError(path, "Either 'Next' or 'End' is required");
      }
    } else {
      terminal = get(state, 'End') === true;
      const next = get(state, 'Next');
      if (typeof next === 'string') edges.push({ target: next, at: field(path, 'Next') });
    }
  }

  const allowed = STATE_FIELDS[type];
  if (allowed.has('Retry')) checkRetry(ctx);
  if (allowed.has('Catch')) edges.push(...checkCatch(ctx));

  switch (type) {
    case 'Task':
      requireFields(report, state, path, ['Resource']);
      checkTask(ctx);
      break;
    case 'Choice':
      requireFields(report, state, path, ['Choices']);
      edges.push(...checkChoice(ctx));
      break;
    case 'Wait':
      checkWait(ctx);
      break;
    case 'Fail':
      checkFail(ctx);
      break;
    case 'Parallel': {
      if (!requireFields(report, state, path, ['Branches'])) break;
      const at = field(path, 'Branches');
      const branches = get(state, 'Branches');
      if (!checkArray(report, branches, at)) break;
      if (branches.length === 0) report.schemaError(at, 'The field must contain at least 1 element');
      branches.forEach((branch, i) => walk.pending.push({ scope: branch, path: index(at, i), kind: 'branch' }));
      break;
    }
    case 'Map': {
      checkMap(ctx);
      for (const key of ['ItemProcessor', 'Iterator']) {
        if (has(state, key)) walk.pending.push({ scope: get(state, key) as Json, path: field(path, key), kind: 'processor' });
      }
      break;
    }
    default:
      break;
  }
  return { edges, terminal };
}
