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
const ROUTE_CATCHES_UP_TO = 120;

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

/** Lays the graph out top to bottom with ELK's layered algorithm (compound nodes laid out inside). */
export async function layoutGraph(graph: DefinitionGraph): Promise<Layout> {
  const elkNodes = new Map<string, ElkNode>();
  // Edge points in root coordinates: React Flow draws every edge in one absolute layer.
  const root: ElkNode = { id: '__root', layoutOptions: { ...LAYERED, 'elk.json.edgeCoords': 'ROOT' }, children: [], edges: [] };
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
  const routeCatches = graph.nodes.length <= ROUTE_CATCHES_UP_TO;
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
