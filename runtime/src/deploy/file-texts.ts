// The submitted files a revision holds whole, kept verbatim (comments and spacing included) so
// GET /v1/sources and `dfvisor pull` give them back byte for byte. A file text is kept only while
// its top-level blocks are exactly the blocks the revision stores under its path (same texts, none
// more, none fewer); a file the revision holds only part of (a slice undeployed, `only`, another
// file's block moved in) is dropped, and reading back falls back to regrouping the stored blocks.
import { parse, type SliceDecl, type SourceFile } from '@dfvisor/grammar';
import type { Revision, SourceText } from './types.js';

type Blocks = Pick<Revision, 'network' | 'slices' | 'grants'>;

/** The texts of the blocks a revision stores under each path, sorted. */
function storedBlocksByPath(rev: Blocks): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const b of [...rev.network, ...(rev.grants ?? []), ...Object.values(rev.slices)])
    byPath.set(b.path, [...(byPath.get(b.path) ?? []), b.text]);
  for (const texts of byPath.values()) texts.sort();
  return byPath;
}

/** The texts of a file's top-level blocks, sorted; null when one has no name (it cannot be stored). */
function fileBlocks(file: SourceText, parsed?: SourceFile): string[] | null {
  const texts: string[] = [];
  const items = parsed && parsed.path === file.path && parsed.text === file.text ? parsed.items : parse(file.text, file.path).items;
  for (const item of items) {
    if (item.kind !== 'Network' && item.kind !== 'Grant' && !(item as SliceDecl).name) return null;
    texts.push(file.text.slice(item.range.start.offset, item.range.end.offset));
  }
  return texts.sort();
}

/**
 * The candidates (later ones replace earlier ones of the same path) that the revision holds whole,
 * in path order. `parsed`: files the caller has parsed already (used when path and text are the same).
 */
export function filesHeld(rev: Blocks, candidates: SourceText[], parsed: readonly SourceFile[] = []): SourceText[] {
  const byPath = new Map(parsed.map((f) => [f.path, f]));
  const latest = new Map<string, string>();
  for (const c of candidates) latest.set(c.path, c.text);
  const stored = storedBlocksByPath(rev);
  const held: SourceText[] = [];
  for (const [path, text] of [...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const want = stored.get(path);
    const have = fileBlocks({ path, text }, byPath.get(path));
    if (want && have && have.length === want.length && have.every((t, i) => t === want[i])) held.push({ path, text });
  }
  return held;
}
