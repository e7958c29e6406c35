/**
 * A state machine definition as a nested graph for ELK: one node per state, Parallel branches and
 * Map processors as compound nodes, edges for Next/Default/Choice rules/Catch. Pure (no DOM), so it
 * is tested under Node.
 */

export type StateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map' | 'Start' | 'End' | 'Branch';

export interface GraphNode {
  readonly id: string;
  readonly parentId?: string;
  readonly label: string;
  readonly kind: StateType;
  /** The ASL state name this node stands for (undefined for Start/End markers and branch groups). */
  readonly stateName?: string;
  /** Short text under the name: the resource, the wait, the error. */
  readonly detail?: string;
  readonly compound: boolean;
  /** `End: true` (Succeed and Fail end by their type). */
  readonly end?: boolean;
}

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label?: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
  /** The container both ends live in (ELK wants edges in their lowest common ancestor). */
  readonly containerId?: string;
}

export interface DefinitionGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const COMPARISON = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$|^Is(Null|Present|Numeric|String|Boolean|Timestamp)$|^StringMatches$/;

const clip = (s: string, n = 48): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One line for a Choice rule: `$.total > 500`, `not($.ok == true)`, a JSONata Condition. */
export function choiceRuleText(rule: unknown): string {
  if (!isObj(rule)) return '?';
  if (typeof rule.Condition === 'string') return rule.Condition;
  if (Array.isArray(rule.And)) return rule.And.map(choiceRuleText).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(choiceRuleText).join(' or ');
  if (rule.Not !== undefined) return `not (${choiceRuleText(rule.Not)})`;
  const variable = str(rule.Variable) ?? '?';
  for (const [k, v] of Object.entries(rule)) {
    if (!COMPARISON.test(k)) continue;
    const op = k.replace(/^(String|Numeric|Boolean|Timestamp)/, '').replace(/Path$/, '');
    const sym: Record<string, string> = { Equals: '==', LessThan: '<', GreaterThan: '>', LessThanEquals: '<=', GreaterThanEquals: '>=', Matches: 'matches' };
    const value = typeof v === 'string' && !k.endsWith('Path') ? JSON.stringify(v) : String(v);
    if (k.startsWith('Is')) return `${variable} ${k} ${String(v)}`;
    return `${variable} ${sym[op] ?? op} ${value}`;
  }
  return variable;
}

function detailOf(state: Obj): string | undefined {
  switch (state.Type) {
    case 'Task': {
      const resource = str(state.Resource) ?? (state.Resource === undefined ? undefined : 'dynamic');
      const args = isObj(state.Parameters) ? state.Parameters : isObj(state.Arguments) ? state.Arguments : undefined;
      const fn = args === undefined ? undefined : str(args.FunctionName);
      const short = resource?.replace(/^arn:aws:states:::/, '').replace(/^arn:aws:lambda:[^:]*:[^:]*:function:/, 'λ ');
      return fn !== undefined ? `${short ?? ''} ${fn}`.trim() : short;
    }
    case 'Wait':
      for (const k of ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath']) if (state[k] !== undefined) return `${k} ${String(state[k])}`;
      return undefined;
    case 'Fail':
      return str(state.Error) ?? str(state.ErrorPath);
    default:
      return undefined;
  }
}

/** Builds the graph; tolerates half-written definitions (the editor draws as you type). */
export function definitionGraph(definition: unknown): DefinitionGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let edgeSeq = 0;
  const edge = (e: Omit<GraphEdge, 'id'>): void => void edges.push({ ...e, id: `e${edgeSeq++}` });

  const walk = (machine: unknown, parentId: string | undefined, top: boolean): void => {
    if (!isObj(machine) || !isObj(machine.States)) return;
    const states = machine.States;
    const idOf = (name: string): string => `s:${name}`;
    const startAt = str(machine.StartAt);
    // Terminal states are drawn as such (Succeed, Fail, an "end" mark): one End node joined to all
    // of them would add long edges that cost the layout more than they tell.
    if (top) {
      nodes.push({ id: '__start', parentId, label: 'Start', kind: 'Start', compound: false });
      if (startAt !== undefined && isObj(states[startAt])) edge({ source: '__start', target: idOf(startAt), kind: 'next', containerId: parentId });
    }
    const target = (name: unknown): string | undefined => (typeof name === 'string' && isObj(states[name]) ? idOf(name) : undefined);
    for (const [name, raw] of Object.entries(states)) {
      if (!isObj(raw)) continue;
      const type = str(raw.Type) as StateType | undefined;
      const kind: StateType = type !== undefined && ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'].includes(type) ? type : 'Pass';
      const id = idOf(name);
      const compound = kind === 'Parallel' || kind === 'Map';
      nodes.push({ id, parentId, label: name, kind, stateName: name, detail: detailOf(raw), compound, end: raw.End === true });
      if (kind === 'Parallel' && Array.isArray(raw.Branches)) {
        raw.Branches.forEach((branch, i) => {
          const bid = `${id}#b${i}`;
          nodes.push({ id: bid, parentId: id, label: `Branch ${i + 1}`, kind: 'Branch', compound: true });
          walk(branch, bid, false);
        });
      }
      if (kind === 'Map') walk(isObj(raw.ItemProcessor) ? raw.ItemProcessor : raw.Iterator, id, false);
      const next = target(raw.Next);
      if (next !== undefined) edge({ source: id, target: next, kind: 'next', containerId: parentId });
      if (kind === 'Choice' && Array.isArray(raw.Choices)) {
        for (const rule of raw.Choices) {
          const t = isObj(rule) ? target(rule.Next) : undefined;
          if (t !== undefined) edge({ source: id, target: t, kind: 'choice', label: clip(choiceRuleText(rule)), containerId: parentId });
        }
        const d = target(raw.Default);
        if (d !== undefined) edge({ source: id, target: d, kind: 'default', label: 'Default', containerId: parentId });
      }
      if (Array.isArray(raw.Catch)) {
        for (const c of raw.Catch) {
          const t = isObj(c) ? target(c.Next) : undefined;
          if (t === undefined || !isObj(c)) continue;
          const errors = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.filter((e): e is string => typeof e === 'string').join(', ') : '';
          edge({ source: id, target: t, kind: 'catch', label: clip(`catch ${errors}`, 36), containerId: parentId });
        }
      }
    }
  };
  let parsed = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch {
      parsed = undefined;
    }
  }
  walk(parsed, undefined, true);
  return { nodes, edges };
}
