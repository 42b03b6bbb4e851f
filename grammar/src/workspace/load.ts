// Loads a workspace: files and directory trees of `*.slice` (node_modules and
// dot-directories skipped), sorted by path, each parsed.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '../syntax/parse.js';
import type { SourceFile } from '../syntax/ast.js';

export interface LoadError {
  path: string;
  message: string;
}

export interface LoadedWorkspace {
  files: SourceFile[];
  errors: LoadError[];
}

async function collect(dir: string, out: string[], errors: LoadError[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    errors.push({ path: dir, message: (e as Error).message });
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await collect(p, out, errors);
    else if (e.isFile() && e.name.endsWith('.slice')) out.push(p);
  }
}

/** The `.slice` file paths under the given files and directories, sorted and unique. */
export async function findSliceFiles(paths: string[]): Promise<{ paths: string[]; errors: LoadError[] }> {
  const out: string[] = [];
  const errors: LoadError[] = [];
  for (const p of paths) {
    let st: import('node:fs').Stats;
    try {
      st = await stat(p);
    } catch (e) {
      errors.push({
        path: p,
        message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message,
      });
      continue;
    }
    if (st.isDirectory()) await collect(p, out, errors);
    else out.push(p);
  }
  return { paths: [...new Set(out)].sort(), errors };
}

export async function loadWorkspace(paths: string[]): Promise<LoadedWorkspace> {
  const found = await findSliceFiles(paths);
  const files: SourceFile[] = [];
  const errors = found.errors;
  for (const p of found.paths) {
    try {
      files.push(parse(await readFile(p, 'utf8'), p));
    } catch (e) {
      errors.push({ path: p, message: (e as Error).message });
    }
  }
  return { files, errors };
}
