import { describe, expect, it } from 'vitest';
import { choiceRuleText, definitionGraph } from '../../console/src/graph/definition-graph.js';
import { initialViewport, layoutGraph, READABLE_ZOOM, type Layout } from '../../console/src/graph/layout.js';
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

  it('fits a 25-state machine in the execution panel whole at a readable zoom (its layers wrapped into columns)', async () => {
    const layout = await layoutGraph(definitionGraph(chainDefinition(25)));
    const panel = { width: 900, height: 620 };
    const view = initialViewport(layout, panel);
    expect(view.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    // Whole: every state inside the panel.
    for (const n of layout.nodes.filter((m) => m.parentId === undefined)) {
      expect(view.x + n.x * view.zoom).toBeGreaterThanOrEqual(0);
      expect(view.x + (n.x + n.width) * view.zoom).toBeLessThanOrEqual(panel.width);
      expect(view.y + n.y * view.zoom).toBeGreaterThanOrEqual(0);
      expect(view.y + (n.y + n.height) * view.zoom).toBeLessThanOrEqual(panel.height);
    }
    // Without wrapping the same machine is a column that fits only at a quarter of that.
    expect(Math.min(panel.width / layout.width, panel.height / layout.height)).toBeGreaterThan(2 * Math.min(panel.width / 300, panel.height / 2600));
  });

  it('shows a graph too large to fit readably at the readable zoom, top and start in view, rather than fitted too small to read', async () => {
    const layout = await layoutGraph(definitionGraph(chainDefinition(200)));
    const panel = { width: 900, height: 620 };
    const view = initialViewport(layout, panel);
    expect(view.zoom).toBe(READABLE_ZOOM);
    expect(view.y).toBeGreaterThan(0);
    const start = layout.nodes.find((n) => n.kind === 'Start')!;
    expect(view.x + start.x * view.zoom).toBeGreaterThanOrEqual(0);
    expect(view.x + (start.x + start.width) * view.zoom).toBeLessThanOrEqual(panel.width);
    expect(view.y + (start.y + start.height) * view.zoom).toBeLessThanOrEqual(panel.height);
    // A small one is centred and fitted as before (at most 1.1).
    const small: Pick<Layout, 'width' | 'height' | 'nodes'> = { width: 300, height: 200, nodes: [] };
    expect(initialViewport(small, panel)).toEqual({ x: (900 - 300 * 1.1) / 2, y: (620 - 200 * 1.1) / 2, zoom: 1.1 });
  });
});
