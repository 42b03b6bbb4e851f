// Runs the extension tests (mocha, in test/e2e/suite/) with @vscode/test-electron's runTests().
// Here VS Code cannot be downloaded, so by default the executable is client/e2e/code-server-launcher.mjs
// (a real VS Code workbench from code-server, driven by chromium); set DFVISOR_E2E_VSCODE=download to let
// runTests download VS Code as usual on a machine with internet.
//   node client/dist/test/e2e/run.js            (after `npx tsc -b client` and `node client/esbuild.mjs`)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runTests } from '@vscode/test-electron';

const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const launcherPath = join(clientDir, 'e2e', 'code-server-launcher.mjs');
export const suitePath = join(clientDir, 'dist-e2e', 'suite', 'index.cjs');
export const fixturesDir = join(clientDir, 'test', 'fixtures', 'workspace');

/** Runs the suite against a fresh copy of the fixture workspace; resolves with the exit code. */
export async function runExtensionTests(env: Record<string, string> = {}): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'dfvisor-ext-'));
  const workspace = join(work, 'workspace');
  cpSync(fixturesDir, workspace, { recursive: true });
  try {
    const useDownload = process.env.DFVISOR_E2E_VSCODE === 'download';
    return await runTests({
      ...(useDownload ? {} : { vscodeExecutablePath: launcherPath }),
      extensionDevelopmentPath: clientDir,
      extensionTestsPath: suitePath,
      launchArgs: [workspace, `--user-data-dir=${join(work, 'user-data')}`, `--extensions-dir=${join(work, 'extensions')}`],
      extensionTestsEnv: { DFVISOR_REPO: resolve(clientDir, '..'), ...env },
    });
  } catch (e) {
    const code = (e as { code?: number }).code;
    return typeof code === 'number' ? code : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Run directly (not when node:test loads this file as part of dist/test/).
if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url && !process.env.NODE_TEST_CONTEXT) {
  runExtensionTests().then((code) => process.exit(code));
}
