import { InvalidInputError, kitMessage } from '../errors.js';
import { escapeHtml } from './escape-html.js';
import { getLabelColour } from './label-colours.js';

export interface PictureVertex {
  id: string;
  label: string;
  /** Text on the node (default: the id without its label prefix, `user:meredith41` -> `meredith41`). */
  name?: string;
}

export interface PictureEdge {
  label: string;
  from: string;
  to: string;
}

/** A vertex and what surrounds it: what the identity queries return and the picture draws. */
export interface Neighbourhood {
  centre: string;
  vertices: PictureVertex[];
  edges: PictureEdge[];
}

export interface NeighbourhoodPictureOptions {
  title?: string;
  /** Characters of a node's text before it is cut with an ellipsis (default 24). */
  maxNameLength?: number;
}

interface PlacedVertex {
  vertex: PictureVertex;
  depth: number;
  parent?: string;
  children: string[];
  weight: number;
  angle: number;
  x: number;
  y: number;
}

const FONT_SIZE = 11;
/** Average glyph width of the 11px sans-serif font, to size rings so labels fit between them. */
const CHAR_WIDTH = 6.4;
/** Closest two labels on one ring may be (centre to centre, along the ring). */
const LABEL_PITCH = FONT_SIZE + 4;

/** `user:meredith41` -> `meredith41`: the id carries its label as a prefix (DESIGN §4). */
export function getVertexName(vertex: PictureVertex): string {
  if (vertex.name !== undefined) return vertex.name;
  const colon = vertex.id.indexOf(':');
  return colon >= 0 ? vertex.id.slice(colon + 1) : vertex.id;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Places every vertex of a neighbourhood: the centre in the middle, the others on rings by
 * distance (breadth-first over edges in both directions), each vertex inside its parent's
 * sector with a share of the angle proportional to the leaves below it (a radial tree). Siblings
 * are ordered by label then name, so a picture is the same on every run and labels cluster.
 * Ring radii are chosen so that neighbouring labels on a ring are at least LABEL_PITCH apart and
 * a ring's radial labels end before the next ring starts: no two labels overlap.
 */
export function layOutNeighbourhood(neighbourhood: Neighbourhood, maxNameLength = 24) {
  const byId = new Map(neighbourhood.vertices.map((v) => [v.id, v]));
  if (!byId.has(neighbourhood.centre)) {
    throw new InvalidInputError(kitMessage('notebook', `neighbourhood picture: centre "${neighbourhood.centre}" is not among its vertices`));
  }
  const adjacency = new Map<string, Set<string>>();
  for (const e of neighbourhood.edges) {
    if (!byId.has(e.from) || !byId.has(e.to) || e.from === e.to) continue;
    if (!adjacency.has(e.from)) adjacency.set(e.from, new Set());
    if (!adjacency.has(e.to)) adjacency.set(e.to, new Set());
    adjacency.get(e.from)!.add(e.to);
    adjacency.get(e.to)!.add(e.from);
  }
  const order = (a: string, b: string) => {
    const va = byId.get(a)!;
    const vb = byId.get(b)!;
    return va.label.localeCompare(vb.label) || getVertexName(va).localeCompare(getVertexName(vb)) || a.localeCompare(b);
  };
  const placed = new Map<string, PlacedVertex>();
  const place = (id: string, depth: number, parent?: string) =>
    placed.set(id, { vertex: byId.get(id)!, depth, parent, children: [], weight: 1, angle: 0, x: 0, y: 0 });
  place(neighbourhood.centre, 0);
  let frontier = [neighbourhood.centre];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const other of [...(adjacency.get(id) ?? [])].sort(order)) {
        if (placed.has(other)) continue;
        place(other, placed.get(id)!.depth + 1, id);
        placed.get(id)!.children.push(other);
        next.push(other);
      }
    }
    frontier = next;
  }
  // Vertices the edges do not reach still belong to the picture: hang them off the centre.
  const unreached = neighbourhood.vertices.map((v) => v.id).filter((id) => !placed.has(id)).sort(order);
  for (const id of unreached) {
    place(id, 1, neighbourhood.centre);
    placed.get(neighbourhood.centre)!.children.push(id);
  }

  const root = placed.get(neighbourhood.centre)!;
  const weigh = (p: PlacedVertex): number => {
    p.weight = p.children.length ? p.children.reduce((sum, c) => sum + weigh(placed.get(c)!), 0) : 1;
    return p.weight;
  };
  weigh(root);
  const assign = (p: PlacedVertex, start: number, span: number) => {
    p.angle = start + span / 2;
    let at = start;
    for (const c of p.children) {
      const child = placed.get(c)!;
      const share = (span * child.weight) / p.weight;
      assign(child, at, share);
      at += share;
    }
  };
  assign(root, -Math.PI / 2, 2 * Math.PI);

  const depth = Math.max(0, ...[...placed.values()].map((p) => p.depth));
  const labelLength = (p: PlacedVertex) => truncate(getVertexName(p.vertex), maxNameLength).length * CHAR_WIDTH;
  const longestLabel = Math.max(40, ...[...placed.values()].filter((p) => p.depth > 0).map(labelLength));
  const unitAngle = (2 * Math.PI) / Math.max(1, root.weight);
  const firstRadius = Math.max(120, LABEL_PITCH / unitAngle);
  const ringGap = longestLabel + 40;
  const radii = [0];
  for (let d = 1; d <= depth; d++) radii.push(firstRadius + (d - 1) * ringGap);
  const outer = radii[depth] + 14 + longestLabel + 16;
  for (const p of placed.values()) {
    p.x = outer + radii[p.depth] * Math.cos(p.angle);
    p.y = outer + radii[p.depth] * Math.sin(p.angle);
  }
  return { placed, size: 2 * outer, depth, radii };
}

/**
 * Draws a neighbourhood as SVG: the centre vertex in the middle, rings by distance, one colour per
 * label, the vertex name on every node (radial text, never overlapping), edge labels as hover
 * titles, and a legend of the labels present with their counts.
 */
export function renderNeighbourhoodSvg(neighbourhood: Neighbourhood, options: NeighbourhoodPictureOptions = {}): string {
  const maxNameLength = options.maxNameLength ?? 24;
  const { placed, size, radii } = layOutNeighbourhood(neighbourhood, maxNameLength);
  const titleHeight = options.title ? 34 : 8;
  const counts = new Map<string, number>();
  for (const p of placed.values()) counts.set(p.vertex.label, (counts.get(p.vertex.label) ?? 0) + 1);
  const legendLabels = [...counts.keys()].sort((a, b) => {
    if (a === placed.get(neighbourhood.centre)!.vertex.label) return -1;
    if (b === placed.get(neighbourhood.centre)!.vertex.label) return 1;
    return a.localeCompare(b);
  });
  const legendWidth = 190;
  const width = Math.ceil(size + legendWidth);
  const height = Math.ceil(Math.max(size, legendLabels.length * 22 + 40) + titleHeight);

  const rings = radii
    .slice(1)
    .map((r) => `<circle cx="${(size / 2).toFixed(1)}" cy="${(size / 2).toFixed(1)}" r="${r.toFixed(1)}" fill="none" stroke="#eceff3" stroke-width="1"/>`);

  const drawn = new Set<string>();
  const edges = neighbourhood.edges
    .filter((e) => placed.has(e.from) && placed.has(e.to) && e.from !== e.to)
    .map((e) => {
      const a = placed.get(e.from)!;
      const b = placed.get(e.to)!;
      const tree = a.parent === e.to || b.parent === e.from;
      const key = [e.from, e.to].sort().join('\u0000') + e.label;
      if (drawn.has(key)) return '';
      drawn.add(key);
      const style = tree ? 'stroke="#9aa3ad" stroke-width="1.2"' : 'stroke="#c9ced4" stroke-width="1" stroke-dasharray="4 3"';
      return `<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" ${style}><title>${escapeHtml(`${getVertexName(a.vertex)} -${e.label}-> ${getVertexName(b.vertex)}`)}</title></line>`;
    })
    .filter(Boolean);

  const nodes: string[] = [];
  const labels: string[] = [];
  for (const p of placed.values()) {
    const colour = getLabelColour(p.vertex.label);
    const isCentre = p.depth === 0;
    const radius = isCentre ? 13 : 6.5;
    const tip = `${p.vertex.label}: ${p.vertex.id}`;
    nodes.push(
      `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${radius}" fill="${colour}" stroke="#ffffff" stroke-width="1.5"><title>${escapeHtml(tip)}</title></circle>`,
    );
    const name = escapeHtml(truncate(getVertexName(p.vertex), maxNameLength));
    // Text with a white halo stays readable where it crosses an edge.
    const halo = 'paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"';
    if (isCentre) {
      labels.push(
        `<text x="${p.x.toFixed(1)}" y="${(p.y + radius + 14).toFixed(1)}" text-anchor="middle" font-size="13" font-weight="600" ${halo}>${name}</text>`,
      );
      continue;
    }
    // Radial text, turned so it never reads upside down.
    let degrees = (p.angle * 180) / Math.PI;
    degrees = ((degrees % 360) + 360) % 360;
    const flip = degrees > 90 && degrees < 270;
    const offset = radius + 4;
    const tx = p.x + offset * Math.cos(p.angle);
    const ty = p.y + offset * Math.sin(p.angle);
    const rotation = flip ? degrees - 180 : degrees;
    labels.push(
      `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" transform="rotate(${rotation.toFixed(1)} ${tx.toFixed(1)} ${ty.toFixed(1)})" text-anchor="${flip ? 'end' : 'start'}" dominant-baseline="central" ${halo}>${name}</text>`,
    );
  }

  const legendX = size + 10;
  const legend = [
    `<text x="${legendX}" y="18" font-size="12" font-weight="600" fill="#333">Vertex labels</text>`,
    ...legendLabels.map((label, i) => {
      const y = 36 + i * 22;
      return [
        `<circle cx="${legendX + 8}" cy="${y}" r="7" fill="${getLabelColour(label)}"/>`,
        `<text x="${legendX + 22}" y="${y}" dominant-baseline="central" font-size="12">${escapeHtml(label)} (${counts.get(label)})</text>`,
      ].join('');
    }),
  ];

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="${FONT_SIZE}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    options.title ? `<text x="12" y="24" font-size="16" font-weight="600" fill="#222">${escapeHtml(options.title)}</text>` : '',
    `<g transform="translate(0 ${titleHeight})">`,
    ...rings,
    ...edges,
    ...nodes,
    ...labels,
    `<g>${legend.join('\n')}</g>`,
    '</g>',
    '</svg>',
  ]
    .filter(Boolean)
    .join('\n');
}
