import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { definitionGraph, type GraphNode } from './definition-graph.js';
import { initialViewport, layoutGraph, type Layout, type RoutedEdge } from './layout.js';

/** What the execution page paints on a state. */
export type StateStatus = 'running' | 'succeeded' | 'failed' | 'caught' | 'retrying' | 'waiting';

export interface StateMark {
  readonly status: StateStatus;
  readonly retries: number;
}

interface StateNodeData extends Record<string, unknown> {
  readonly node: GraphNode;
  readonly mark?: StateMark;
  readonly selected: boolean;
  readonly onSelect?: (stateName: string) => void;
}

const TYPE_ICON: Record<string, string> = {
  Task: '⚙',
  Pass: '→',
  Choice: '◇',
  Wait: '⏱',
  Succeed: '✓',
  Fail: '✕',
  Parallel: '⫴',
  Map: '⟳',
};

const StateNode = memo(function StateNode({ data }: NodeProps<Node<StateNodeData>>) {
  const { node, mark, selected, onSelect } = data;
  const cls = [
    'state',
    `state-${node.kind.toLowerCase()}`,
    mark ? `status-${mark.status}` : '',
    selected ? 'selected' : '',
    node.compound ? 'compound' : '',
  ].join(' ');
  if (node.kind === 'Start' || node.kind === 'End') {
    return (
      <div className={cls}>
        {node.kind === 'End' && <Handle type="target" position={Position.Top} />}
        {node.label}
        {node.kind === 'Start' && <Handle type="source" position={Position.Bottom} />}
      </div>
    );
  }
  const select = node.stateName !== undefined && onSelect !== undefined ? () => onSelect(node.stateName!) : undefined;
  return (
    <div
      className={cls}
      data-state={node.stateName}
      data-status={mark?.status}
      title={
        node.stateName === undefined ? undefined : `${node.kind}: ${node.stateName}${mark ? ` (${mark.status})` : ''}`
      }
    >
      <Handle type="target" position={Position.Top} />
      {node.kind === 'Branch' ? (
        <div className="group-label">{node.label}</div>
      ) : (
        <button
          type="button"
          className={node.compound ? 'group-label' : 'state-body'}
          onClick={select}
          tabIndex={select ? 0 : -1}
          aria-label={`${node.kind} state ${node.label}`}
        >
          <span className="state-icon" aria-hidden="true">
            {TYPE_ICON[node.kind] ?? '•'}
          </span>
          <span className="state-name">{node.label}</span>
          {node.detail !== undefined && !node.compound && <span className="state-detail">{node.detail}</span>}
          {node.end === true && <span className="end-mark">end</span>}
          {mark !== undefined && mark.retries > 0 && <span className="retry-badge">↻{mark.retries}</span>}
        </button>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});

/** SVG path through ELK's points with rounded corners. */
function routedPath(points: RoutedEdge['points']): string {
  const r = 6;
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    const next = points[i + 1];
    if (next === undefined) {
      d += ` L ${p.x} ${p.y}`;
      break;
    }
    const prev = points[i - 1];
    const inLen = Math.hypot(p.x - prev.x, p.y - prev.y);
    const outLen = Math.hypot(next.x - p.x, next.y - p.y);
    const k = Math.min(r, inLen / 2, outLen / 2);
    const a = { x: p.x - ((p.x - prev.x) / (inLen || 1)) * k, y: p.y - ((p.y - prev.y) / (inLen || 1)) * k };
    const b = { x: p.x + ((next.x - p.x) / (outLen || 1)) * k, y: p.y + ((next.y - p.y) / (outLen || 1)) * k };
    d += ` L ${a.x} ${a.y} Q ${p.x} ${p.y} ${b.x} ${b.y}`;
  }
  return d;
}

interface RoutedEdgeData extends Record<string, unknown> {
  readonly route: RoutedEdge;
  readonly text?: string;
}

/** An edge as ELK routed it, its label where ELK put it (no overlaps with nodes or other labels). */
function ElkEdge({ id, data, markerEnd, style }: EdgeProps<Edge<RoutedEdgeData>>) {
  if (data === undefined) return null;
  const { route, text } = data;
  return (
    <>
      <BaseEdge id={id} path={routedPath(route.points)} markerEnd={markerEnd} style={style} />
      {text !== undefined && route.label !== undefined && (
        <EdgeLabelRenderer>
          <div
            className="edge-label"
            style={{ transform: `translate(-50%, -50%) translate(${route.label.x}px, ${route.label.y}px)` }}
          >
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const nodeTypes = { state: StateNode };
const edgeTypes = { elk: ElkEdge };

/** Past this many states the layout would hold the page for seconds (ELK runs on the main thread). */
export const MAX_DRAWN_STATES = 2000;

export interface StateMachineGraphProps {
  readonly definition: unknown;
  readonly marks?: ReadonlyMap<string, StateMark>;
  readonly selected?: string;
  readonly onSelect?: (stateName: string) => void;
  readonly height?: number | string;
}

/** The definition drawn as a graph (ELK layout, React Flow rendering), with execution marks if given. */
export function StateMachineGraph({ definition, marks, selected, onSelect, height = 520 }: StateMachineGraphProps) {
  const graph = useMemo(() => definitionGraph(definition), [definition]);
  const [layout, setLayout] = useState<Layout | undefined>();
  const [error, setError] = useState<string | undefined>();
  // The panel's size, read before React Flow mounts: the first view is computed, not fitted (a
  // large graph fitted whole would be too small to read).
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | undefined>();
  useLayoutEffect(() => {
    const el = box.current;
    if (el !== null && el.clientWidth > 0 && el.clientHeight > 0) setSize({ width: el.clientWidth, height: el.clientHeight });
  }, [layout]);
  const viewport = useMemo(() => (layout === undefined || size === undefined ? undefined : initialViewport(layout, size)), [layout, size]);
  // Count states (nested ones too), not the Start/End markers and branch groups drawn with them.
  const stateCount = useMemo(() => graph.nodes.filter((n) => n.stateName !== undefined).length, [graph]);
  const tooBig = stateCount > MAX_DRAWN_STATES;
  useEffect(() => {
    let live = true;
    if (tooBig) return;
    layoutGraph(graph)
      .then((l) => live && (setLayout(l), setError(undefined)))
      .catch((e: unknown) => live && setError(String(e)));
    return () => {
      live = false;
    };
  }, [graph, tooBig]);

  const nodes = useMemo<Node<StateNodeData>[]>(
    () =>
      (layout?.nodes ?? []).map((n) => ({
        id: n.id,
        type: 'state',
        position: { x: n.x, y: n.y },
        ...(n.parentId === undefined ? {} : { parentId: n.parentId, extent: 'parent' as const }),
        data: {
          node: n,
          mark: n.stateName === undefined ? undefined : marks?.get(n.stateName),
          selected: n.stateName !== undefined && n.stateName === selected,
          onSelect,
        },
        style: { width: n.width, height: n.height },
        draggable: false,
        selectable: false,
        focusable: false,
      })),
    [layout, marks, selected, onSelect],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => {
        const route = layout?.edges.get(e.id);
        const common = {
          id: e.id,
          source: e.source,
          target: e.target,
          className: `edge-${e.kind}`,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          zIndex: 1,
        };
        const style = e.kind === 'catch' ? { strokeDasharray: '6 4' } : undefined;
        if (route !== undefined) return { ...common, type: 'elk', style, data: { route, text: e.label } };
        return {
          ...common,
          label: e.label,
          type: 'smoothstep',
          className: `edge-${e.kind}`,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          style,
          labelBgPadding: [4, 2] as [number, number],
          labelBgBorderRadius: 3,
        };
      }),
    [graph, layout],
  );

  if (tooBig)
    return (
      <div className="graph-empty">
        {stateCount.toLocaleString('en-US')} states: too many to draw here (up to {MAX_DRAWN_STATES}). The definition and the history
        still work.
      </div>
    );
  if (error !== undefined) return <div className="graph-empty">Could not lay out the graph: {error}</div>;
  if (graph.nodes.length === 0)
    return <div className="graph-empty">Nothing to draw yet: the definition has no states.</div>;
  return (
    <div className="graph" style={{ height }} data-testid="graph" ref={box}>
      {layout !== undefined && viewport !== undefined && (
        <ReactFlow
          key={layout.nodes.length + ':' + layout.width + 'x' + layout.height}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          defaultViewport={viewport}
          fitViewOptions={{ padding: 0.08, maxZoom: 1.1 }}
          minZoom={0.05}
          // A click handler also gives nodes pointer events (React Flow makes inert nodes click-through).
          onNodeClick={(_e, n) => {
            const name = n.data.node.stateName;
            if (name !== undefined && onSelect !== undefined) onSelect(name);
          }}
          nodesConnectable={false}
          nodesDraggable={false}
          elementsSelectable={false}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
        </ReactFlow>
      )}
    </div>
  );
}
