/**
 * The workflow a Map Run's child execution runs: the ItemProcessor of the distributed Map named (or
 * labelled) `label` in its parent's definition, which DescribeStateMachineForExecution answers for a
 * child. Without a label, or when no such Map is found, the definition itself.
 */
export function childWorkflowOf(definition: unknown, label: string | undefined): unknown {
  if (label === undefined) return definition;
  return findProcessor(definition, label) ?? definition;
}

function findProcessor(node: unknown, label: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  const states = (node as { States?: unknown }).States;
  if (states === null || typeof states !== 'object') return undefined;
  for (const [name, value] of Object.entries(states as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object') continue;
    const state = value as { Type?: unknown; Label?: unknown; ItemProcessor?: unknown; Iterator?: unknown; Branches?: unknown };
    const processor = state.ItemProcessor ?? state.Iterator;
    if (state.Type === 'Map' && (state.Label ?? name) === label && processor !== undefined) return processor;
    for (const inner of [processor, ...(Array.isArray(state.Branches) ? state.Branches : [])]) {
      const found = findProcessor(inner, label);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
