/**
 * Transitions within one scope (the machine, a Parallel branch, a Map processor), as AWS checks
 * them (measured; see docs/language.md):
 * - every StartAt/Next/Default/Catch Next names a state of the same scope, else
 *   MISSING_TRANSITION_TARGET "Missing 'Next' target: X" at that field (the word is always 'Next');
 * - the top-level scope has at least one terminal state, else MISSING_END_STATE "Workflow has no
 *   terminal state" with no location, which also suppresses the reachability report;
 * - every state is reachable from StartAt, else MISSING_TRANSITION_TARGET `State "X" is not reachable.`
 */
import { CODES, type Report } from './report.js';

export interface Edge {
  readonly target: string;
  readonly at: string;
}

export interface ScopeGraph {
  readonly startAt: Edge | undefined;
  /** State name → its location and outgoing edges, in definition order. */
  readonly states: Map<string, { readonly at: string; readonly edges: readonly Edge[]; readonly terminal: boolean }>;
  readonly topLevel: boolean;
}

export function checkGraph(report: Report, graph: ScopeGraph): void {
  const { states } = graph;
  const missing = (edge: Edge): boolean => {
    if (states.has(edge.target)) return false;
    report.graphError(CODES.missingTransitionTarget, edge.at, `Missing 'Next' target: ${edge.target}`);
    return true;
  };
  if (graph.startAt) missing(graph.startAt);
  for (const node of states.values()) for (const edge of node.edges) missing(edge);

  if (graph.topLevel && states.size > 0 && ![...states.values()].some((s) => s.terminal)) {
    report.end.push({ code: CODES.missingEndState, path: '', message: 'Workflow has no terminal state', severity: 'ERROR' });
    return;
  }

  // Breadth-first from StartAt; iterative, so cycles (a Choice defaulting to itself …) are harmless.
  const reached = new Set<string>();
  const queue: string[] = [];
  if (graph.startAt && states.has(graph.startAt.target)) {
    reached.add(graph.startAt.target);
    queue.push(graph.startAt.target);
  }
  for (let i = 0; i < queue.length; i++) {
    const node = states.get(queue[i]);
    if (!node) continue;
    for (const edge of node.edges) {
      if (states.has(edge.target) && !reached.has(edge.target)) {
        reached.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  for (const [name, node] of states) {
    if (!reached.has(name)) report.graphError(CODES.missingTransitionTarget, node.at, `State "${name}" is not reachable.`);
  }
}
