// The messages between the network map panel (panel.ts, extension host) and its webview (webview/main.ts).
import type { MapGraph } from './model.js';

export interface SliceCounters {
  slice: string;
  packets: number;
  bytes: number;
  flows: number;
  /** Since the previous reading; null on the first one. */
  pps: number | null;
  bps: number | null;
}

export type ToWebview =
  | { type: 'graph'; graph: MapGraph }
  | { type: 'counters'; at: string; live: boolean; counters: SliceCounters[] }
  | { type: 'highlight'; slice: string | null };

/** What the webview drew: element counts, and how many elements carry each class. */
export interface RenderReport {
  nodes: number;
  edges: number;
  classes: Record<string, number>;
  /** The slices listed in the legend. */
  slices: string[];
}

export type FromWebview =
  | { type: 'ready' }
  | ({ type: 'rendered' } & RenderReport)
  | { type: 'pick'; slice: string | null }
  /** After a highlight: how many elements are picked (the slice's) and faded (the rest). */
  | { type: 'highlighted'; slice: string | null; picked: number; faded: number };
