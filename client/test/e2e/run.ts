// Runs the extension tests (mocha, in test/e2e/suite/) with @vscode/test-electron's runTests().
// Here VS Code cannot be downloaded, so by default the executable is client/e2e/code-server-launcher.mjs
// (a real VS Code workbench from code-server, driven by chromium); set DFVISOR_E2E_VSCODE=download to let
// runTests download VS Code as usual on a machine with internet.
//   node client/dist/test/e2e/run.js            (after `npx tsc -b client` and `node client/esbuild.mjs`)
//   node client/dist/test/e2e/run.js --vsix client/dfvisor-vscode.vsix
//   node client/dist/test/e2e/run.js --workspace samples/campus-alice --suite tenant   (test/e2e-tenant.test.ts)
// With --vsix the package is first installed into the test's extensions folder (`--install-extension`, as
// with VS Code's CLI) and the tests run against that installed copy: the development path is then an empty
// host extension (test/e2e/host), and the suite points the machine setting dfvisor.runtime.path at the runtime.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runTests } from '@vscode/test-electron';

const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const launcherPath = join(clientDir, 'e2e', 'code-server-launcher.mjs');
export const suitePath = join(clientDir, 'dist-e2e', 'suite', 'index.cjs');
export const fixturesDir = join(clientDir, 'test', 'fixtures', 'workspace');
export const hostDir = join(clientDir, 'test', 'e2e', 'host');
const repoDir = resolve(clientDir, '..');

/**
 * Runs the suite against a fresh copy of the fixture workspace; resolves with the exit code. With `vsix`, the
 * suite runs against that package installed into the extensions folder instead of the development path.
 * `folder`: the workspace to copy (default the fixture workspace).
 */
export async function runExtensionTests(env: Record<string, string> = {}, vsix?: string, folder = fixturesDir): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'dfvisor-ext-'));
  const workspace = join(work, 'workspace');
  const extensionsDir = join(work, 'extensions');
  cpSync(folder, workspace, { recursive: true });
  try {
    const useDownload = process.env.DFVISOR_E2E_VSCODE === 'download';
    const testsEnv: Record<string, string> = { DFVISOR_REPO: repoDir, ...env };
    if (vsix) {
      mkdirSync(extensionsDir, { recursive: true });
      if (useDownload) throw new Error('--vsix installs with the code-server launcher: unset DFVISOR_E2E_VSCODE');
      const r = spawnSync(process.execPath, [launcherPath, '--install-extension', resolve(vsix), `--extensions-dir=${extensionsDir}`], {
        stdio: 'inherit',
      });
      if (r.status !== 0) return r.status ?? 1;
      testsEnv.DFVISOR_E2E_INSTALLED_IN = extensionsDir;
    }
    return await runTests({
      ...(useDownload ? {} : { vscodeExecutablePath: launcherPath }),
      extensionDevelopmentPath: vsix ? hostDir : clientDir,
      extensionTestsPath: suitePath,
      launchArgs: [workspace, `--user-data-dir=${join(work, 'user-data')}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: testsEnv,
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
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const suite = arg('--suite');
  const folder = arg('--workspace');
  runExtensionTests(suite ? { DFVISOR_E2E_SUITE: suite } : {}, arg('--vsix'), folder ? resolve(folder) : undefined).then((code) =>
    process.exit(code),
  );
}
