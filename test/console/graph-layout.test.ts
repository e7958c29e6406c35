import { describe, expect, it } from 'vitest';
import { choiceRuleText, definitionGraph } from '../../console/src/graph/definition-graph.js';
import { layoutGraph } from '../../console/src/graph/layout.js';
import { chainDefinition } from '../../bench/console-layout-workload.js';

describe('the definition graph', () => {
  it('draws Parallel branches and Map processors as nested groups with their own states', () => {
    const g = definitionGraph({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], Next: 'M' },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } }, End: true },
      },
    });
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    expect(byId.get('s:A')?.parentId).toBe('s:P#b0');
    expect(byId.get('s:B')?.parentId).toBe('s:P#b1');
    expect(byId.get('s:P#b0')?.parentId).toBe('s:P');
    expect(byId.get('s:I')?.parentId).toBe('s:M');
    expect(g.edges.some((e) => e.source === 's:P' && e.target === 's:M' && e.kind === 'next')).toBe(true);
  });

  it('labels Choice edges with their rules and marks Catch edges', () => {
    const g = definitionGraph({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThan: 500, Next: 'T' }], Default: 'D' },
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'D' }], End: true },
        D: { Type: 'Fail', Error: 'X' },
      },
    });
    expect(g.edges.find((e) => e.kind === 'choice')?.label).toBe('$.total > 500');
    expect(g.edges.find((e) => e.kind === 'default')?.target).toBe('s:D');
    expect(g.edges.find((e) => e.kind === 'catch')?.label).toBe('catch States.Timeout');
  });

  it('reads compound Choice rules as text', () => {
    expect(choiceRuleText({ And: [{ Variable: '$.a', StringEquals: 'x' }, { Not: { Variable: '$.b', IsPresent: true } }] })).toBe('$.a == "x" and not ($.b IsPresent true)');
  });

  it('tolerates a half-written definition', () => {
    expect(definitionGraph('{"StartAt": "A", "States": {').nodes).toEqual([]);
    expect(definitionGraph({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }).edges.map((e) => e.target)).toEqual(['s:A']);
  });

  // How fast is measured by bench/console-layout.ts (`npm run bench`), not here.
  it('lays out a 200-state machine with a place of its own for every state', async () => {
    const layout = await layoutGraph(definitionGraph(chainDefinition(200)));
    expect(layout.nodes).toHaveLength(201);
    expect(new Set(layout.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(201);
  });
});
