/**
 * State and transition coverage for `stepwright test`: what a definition can do (its states and
 * the transitions its Next, Default, Choices and Catch fields name) and what histories did.
 * State names are unique in a whole state machine (branches and item processors included), so a
 * name is enough to tell states apart.
 */
import type { HistoryEvent } from '../engine/index.js';

export interface Coverage {
  readonly states: ReadonlySet<string>;
  /** `From → To`. */
  readonly transitions: ReadonlySet<string>;
}

const edge = (from: string, to: string): string => `${from} → ${to}`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every state and possible transition of a definition, in Parallel branches and Map processors too. */
export function definitionCoverage(definition: unknown): Coverage {
  const states = new Set<string>();
  const transitions = new Set<string>();
  const walk = (machine: unknown): void => {
    if (!isRecord(machine) || !isRecord(machine.States)) return;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isRecord(state)) continue;
      states.add(name);
      const targets: unknown[] = [state.Next, state.Default];
      if (Array.isArray(state.Choices)) for (const c of state.Choices) if (isRecord(c)) targets.push(c.Next);
      if (Array.isArray(state.Catch)) for (const c of state.Catch) if (isRecord(c)) targets.push(c.Next);
      for (const t of targets) if (typeof t === 'string') transitions.add(edge(name, t));
      if (Array.isArray(state.Branches)) for (const b of state.Branches) walk(b);
      walk(state.ItemProcessor);
      walk(state.Iterator);
    }
  };
  walk(definition);
  return { states, transitions };
}

function detailName(
  event: HistoryEvent,
  key: 'stateEnteredEventDetails' | 'stateExitedEventDetails',
): string | undefined {
  const details = event[key];
  return details !== undefined && typeof details.name === 'string' ? details.name : undefined;
}

/** The states a history entered and the transitions it took (a state entered right after another exited). */
export function historyCoverage(events: readonly HistoryEvent[]): Coverage {
  const states = new Set<string>();
  const transitions = new Set<string>();
  const exited = new Map<number, string>();
  for (const e of events) {
    const out = detailName(e, 'stateExitedEventDetails');
    if (out !== undefined) exited.set(e.id, out);
    const into = detailName(e, 'stateEnteredEventDetails');
    if (into === undefined) continue;
    states.add(into);
    const from = exited.get(e.previousEventId);
    if (from !== undefined) transitions.add(edge(from, into));
  }
  return { states, transitions };
}

/** `covered/total (percent)`, of what the definition has. */
export function coverageRatio(covered: ReadonlySet<string>, all: ReadonlySet<string>): string {
  const n = [...covered].filter((x) => all.has(x)).length;
  return `${n}/${all.size} (${all.size === 0 ? 100 : Math.round((n / all.size) * 100)}%)`;
}
