// Finds the `dfvisor` program for "Start Embedded Runtime". No VS Code imports.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export interface RuntimeCommand {
  /** The program to spawn. */
  command: string;
  /** Arguments before `run …` (the script, for a .js runtime). */
  args: string[];
  /** Where it came from, for messages. */
  source: 'setting' | 'repository' | 'path';
  /** True when `command` is Node running a script (needs ELECTRON_RUN_AS_NODE under Electron). */
  viaNode: boolean;
}

/**
 * The configured path if set (a .js/.mjs file runs under Node); else the runtime next to this extension
 * (`<repo>/runtime/bin/dfvisor.js` when the extension runs from `<repo>/client`); else `dfvisor` on PATH.
 */
export function locateRuntime(
  configured: string | undefined,
  extensionRoot: string,
  nodePath: string,
  workspaceRoot?: string,
): RuntimeCommand {
  const p = configured?.trim();
  if (p) {
    const abs = isAbsolute(p) || !workspaceRoot ? resolve(p) : resolve(workspaceRoot, p);
    if (/\.[cm]?js$/.test(abs)) return { command: nodePath, args: [abs], source: 'setting', viaNode: true };
    return { command: abs, args: [], source: 'setting', viaNode: false };
  }
  for (const candidate of [
    join(extensionRoot, '..', 'runtime', 'bin', 'dfvisor.js'),
    join(extensionRoot, 'runtime', 'bin', 'dfvisor.js'),
  ]) {
    if (existsSync(candidate)) return { command: nodePath, args: [candidate], source: 'repository', viaNode: true };
  }
  return { command: 'dfvisor', args: [], source: 'path', viaNode: false };
}
