// Runs the extension tests (test/e2e/suite, mocha) in a real VS Code workbench through
// @vscode/test-electron's runTests() and the code-server launcher (see client/e2e/README.md): once from the
// development path, once against the .vsix that `npm run package` makes, installed with --install-extension.
// Needs the tooling that .ci/e2e-install.sh installs into .e2e/ (code-server, Node 24, playwright-core,
// Debian chromium); without it this test fails and says so.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientDir, repoDir } from './helpers/paths.js';
import { checkTooling, runWorkbench } from './helpers/workbench.js';

const artifacts = join(repoDir, '.artifacts', 'e2e');

/** Runs test/e2e/run.js (with `args`) in its own process group; checks the mocha summary and the screenshots. */
async function workbenchRun(args: string[]): Promise<string> {
  const shots = ['workbench-diagnostic.png', 'workbench-slices-view.png', 'workbench-network-map.png'].map((f) => join(artifacts, f));
  for (const shot of shots) rmSync(shot, { force: true });
  const started = Date.now();
  const { code, out } = await runWorkbench(args);
  const tail = out.split('\n').slice(-60).join('\n');
  assert.equal(code, 0, `extension tests failed (exit ${code}):\n${tail}`);
  const passing = /(\d+) passing/.exec(out);
  assert.ok(passing && Number(passing[1]) >= 10, `expected the mocha summary with ≥ 10 passing tests:\n${tail}`);
  assert.doesNotMatch(out, /\d+ failing/);
  for (const shot of shots) {
    assert.ok(existsSync(shot), `no screenshot at ${shot}`);
    assert.ok(statSync(shot).mtimeMs >= started - 1000, 'the screenshot is from this run');
    assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  }
  console.log(`${passing![0]} in the workbench; screenshots ${shots.join(', ')}`);
  return out;
}

test('extension tests pass in a real VS Code workbench (code-server + chromium), from the development path', {
  timeout: 600_000,
}, async () => {
  checkTooling();
  const { bundle } = (await import(pathToFileURL(join(clientDir, 'esbuild.mjs')).href)) as { bundle(o?: object): Promise<void> };
  await bundle({ production: false });
  const out = await workbenchRun([]);
  assert.match(out, /extension from the development path/);
});

test('`npm run package` makes a .vsix that code-server installs, and the extension tests pass against the installed copy', {
  timeout: 600_000,
}, async () => {
  checkTooling();
  const vsix = join(clientDir, 'dfvisor-vscode.vsix');
  rmSync(vsix, { force: true });
  const pkg = spawnSync('npm', ['run', 'package'], { cwd: clientDir, encoding: 'utf8', timeout: 180_000 });
  assert.equal(pkg.status, 0, `npm run package failed:\n${pkg.stdout}\n${pkg.stderr}`);
  assert.ok(existsSync(vsix), `npm run package made no ${vsix}`);
  try {
    const out = await workbenchRun(['--vsix', vsix]);
    assert.match(out, /installed .*dfvisor-vscode\.vsix into /);
    assert.match(out, /extension installed from the \.vsix/);
  } finally {
    // `npm run package` left minified bundles in dist-bundle/: put the development ones back.
    const { bundle } = (await import(pathToFileURL(join(clientDir, 'esbuild.mjs')).href)) as { bundle(o?: object): Promise<void> };
    await bundle({ production: false });
  }
});
