import ElkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { DefinitionGraph, GraphNode } from './definition-graph.js';

export interface PlacedNode extends GraphNode {
  /** Position relative to the parent (React Flow's convention for nested nodes; ELK's too). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RoutedEdge {
  /** Absolute points (start, bends, end) as ELK routed them. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Absolute centre of the label ELK placed beside the edge. */
  readonly label?: { readonly x: number; readonly y: number };
}

export interface Layout {
  readonly nodes: PlacedNode[];
  /** Edges ELK routed (catch edges are not: they are drawn by React Flow). */
  readonly edges: ReadonlyMap<string, RoutedEdge>;
  readonly width: number;
  readonly height: number;
}

// elkjs is CommonJS: bundlers hand over its default export, Node (tests) the module object.
type ElkConstructor = new () => ElkApi;
const ElkClass = ((ElkModule as unknown as { default?: ElkConstructor }).default ?? ElkModule) as unknown as ElkConstructor;
const elk = new ElkClass();

const STATE_WIDTH = 190;
const STATE_HEIGHT = 52;
const MARKER = 56;
/** Below this zoom a state's 12px label is under ~7px: the graph component never fits below it. */
export const READABLE_ZOOM = 0.6;
/** The panel a graph is usually drawn in (execution and machine pages). */
const PANEL = { width: 900, height: 620 };
/** Past this many states no layout fits a panel readably: keep the plain column (ELK's time matters). */
const WRAP_UP_TO = 120;
/** A state and the gap below it in the plain layout. */
const LAYER_HEIGHT = STATE_HEIGHT + 46;

const fitZoom = (l: { width: number; height: number }): number => Math.min(PANEL.width / Math.max(1, l.width), PANEL.height / Math.max(1, l.height));

const LAYERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '46',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  // The default thoroughness (7) spends seconds on large graphs for little visible gain.
  'elk.layered.thoroughness': '1',
  
};

/**
 * Lays the graph out top to bottom with ELK's layered algorithm (compound nodes laid out inside).
 * A machine that would then fit its panel only at an unreadable zoom (a 25-state chain is a column
 * ~2,600px tall: zoom 0.24) is laid out with ELK's layer wrapping instead: the layers cut into
 * side-by-side chunks shaped like the panel, catch edges drawn over the layout instead of shaping it
 * (they jump far and widen every layer they cross). The same chain then fits at about 0.64. Past
 * WRAP_UP_TO states nothing fits readably anyway: the column is kept and shown from its top.
 */
export async function layoutGraph(graph: DefinitionGraph): Promise<Layout> {
  const states = graph.nodes.filter((n) => n.stateName !== undefined).length;
  if (states > WRAP_UP_TO) return layoutOnce(graph, { wrap: false, routeCatches: false });
  // At least this many layers deep: too tall to fit readably without trying.
  if (topLevelDepth(graph) * LAYER_HEIGHT * READABLE_ZOOM > PANEL.height) return layoutOnce(graph, { wrap: true, routeCatches: false });
  const plain = await layoutOnce(graph, { wrap: false, routeCatches: true });
  if (states < 2 || fitZoom(plain) >= READABLE_ZOOM) return plain;
  const wrapped = await layoutOnce(graph, { wrap: true, routeCatches: false });
  return fitZoom(wrapped) > fitZoom(plain) ? wrapped : plain;
}

/** The shortest path's length in layers from Start at the top level: a lower bound of the plain layout's layers. */
function topLevelDepth(graph: DefinitionGraph): number {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.containerId !== undefined || e.kind === 'catch') continue;
    const targets = next.get(e.source);
    if (targets === undefined) next.set(e.source, [e.target]);
    else targets.push(e.target);
  }
  const depth = new Map<string, number>([['__start', 0]]);
  const queue = ['__start'];
  let deepest = 0;
  for (let i = 0; i < queue.length; i++) {
    const d = depth.get(queue[i])!;
    deepest = Math.max(deepest, d);
    for (const t of next.get(queue[i]) ?? []) {
      if (depth.has(t)) continue;
      depth.set(t, d + 1);
      queue.push(t);
    }
  }
  return deepest;
}

async function layoutOnce(graph: DefinitionGraph, { wrap, routeCatches }: { readonly wrap: boolean; readonly routeCatches: boolean }): Promise<Layout> {
  const elkNodes = new Map<string, ElkNode>();
  // Edge points in root coordinates: React Flow draws every edge in one absolute layer.
  const root: ElkNode = {
    id: '__root',
    layoutOptions: { ...LAYERED, 'elk.json.edgeCoords': 'ROOT', ...(wrap ? { 'elk.layered.wrapping.strategy': 'MULTI_EDGE', 'elk.aspectRatio': String(PANEL.width / PANEL.height) } : {}) },
    children: [],
    edges: [],
  };
  for (const n of graph.nodes) {
    const size = n.kind === 'Start' || n.kind === 'End' ? { width: MARKER, height: 28 } : { width: STATE_WIDTH, height: STATE_HEIGHT };
    const e: ElkNode = n.compound
      ? { id: n.id, children: [], edges: [], layoutOptions: { ...LAYERED, 'elk.padding': n.kind === 'Branch' ? '[top=30,left=12,bottom=12,right=12]' : '[top=40,left=14,bottom=14,right=14]' } }
      : { id: n.id, ...size };
    elkNodes.set(n.id, e);
    const parent = n.parentId === undefined ? root : elkNodes.get(n.parentId);
    parent?.children?.push(e);
  }
  // Parallel branches side by side.
  for (const n of graph.nodes) if (n.kind === 'Parallel') elkNodes.get(n.id)!.layoutOptions = { ...elkNodes.get(n.id)!.layoutOptions, 'elk.direction': 'RIGHT' };
  // In large machines catch edges are drawn but do not shape the layout: they often jump far (to one
  // handler), and each layer they cross costs ELK a dummy node; the normal flow decides where states go.
  for (const e of graph.edges) {
    if (e.kind === 'catch' && !routeCatches) continue;
    const container = e.containerId === undefined ? root : elkNodes.get(e.containerId);
    const labels = e.label === undefined ? [] : [{ text: e.label, width: Math.min(260, e.label.length * 6.4 + 10), height: 16 }];
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.source], targets: [e.target], labels };
    container?.edges?.push(edge);
  }
  const laid = await elk.layout(root);
  const placed: PlacedNode[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const visit = (node: ElkNode): void => {
    for (const c of node.children ?? []) {
      const g = byId.get(c.id);
      if (g !== undefined) placed.push({ ...g, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? STATE_WIDTH, height: c.height ?? STATE_HEIGHT });
      visit(c);
    }
  };
  visit(laid);
  const edges = new Map<string, RoutedEdge>();
  const collect = (node: ElkNode): void => {
    for (const e of node.edges ?? []) {
      const section = e.sections?.[0];
      if (section === undefined) continue;
      const label = e.labels?.[0];
      edges.set(e.id, {
        points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
        label: label?.x === undefined || label.y === undefined ? undefined : { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 },
      });
    }
    for (const c of node.children ?? []) collect(c);
  };
  collect(laid);
  return { nodes: placed, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
}

/**
 * Where the graph first shows in a panel of `size`: the whole graph, centred, when it fits at a
 * readable zoom (at most 1.1); otherwise at READABLE_ZOOM with its top in view and the start
 * marker as near the middle as the graph's edges allow, to be scrolled from there.
 */
export function initialViewport(layout: Pick<Layout, 'width' | 'height' | 'nodes'>, size: { readonly width: number; readonly height: number }): { x: number; y: number; zoom: number } {
  const pad = 0.08;
  const fit = Math.min(1.1, (size.width * (1 - 2 * pad)) / Math.max(1, layout.width), (size.height * (1 - 2 * pad)) / Math.max(1, layout.height));
  if (fit >= READABLE_ZOOM) return { x: (size.width - layout.width * fit) / 2, y: (size.height - layout.height * fit) / 2, zoom: fit };
  const zoom = READABLE_ZOOM;
  const margin = 16;
  const drawnWidth = layout.width * zoom;
  if (drawnWidth <= size.width - 2 * margin) return { x: (size.width - drawnWidth) / 2, y: margin, zoom };
  const start = layout.nodes.find((n) => n.kind === 'Start' && n.parentId === undefined);
  const centred = start === undefined ? margin : size.width / 2 - (start.x + start.width / 2) * zoom;
  return { x: Math.min(margin, Math.max(size.width - drawnWidth - margin, centred)), y: margin, zoom };
}
