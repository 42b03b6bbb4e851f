// `npm run package` makes a .vsix with @vscode/vsce 3 (no network: --no-dependencies). The test packages a
// staged copy of the extension in a temp folder (so it never races the bundles other tests use) and checks
// what the .vsix holds.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { binDir, clientDir } from './helpers/paths.js';

describe('vsix package', () => {
  let stage: string;
  let listing: string[];
  // biome-ignore lint/suspicious/noExplicitAny: the manifest is read as loose JSON and probed field by field
  let manifest: Record<string, any>;

  before(async () => {
    stage = mkdtempSync(join(tmpdir(), 'dfvisor-vsix-'));
    // Everything in the client folder that is not built or installed, so .vscodeignore must leave dev files out.
    for (const f of readdirSync(clientDir).filter(
      (f) => !['node_modules', 'dist', 'dist-bundle', 'dist-e2e', 'docs'].includes(f) && !f.endsWith('.vsix'),
    )) {
      cpSync(join(clientDir, f), join(stage, f), { recursive: true });
    }
    const { bundle } = (await import(pathToFileURL(join(clientDir, 'esbuild.mjs')).href)) as { bundle(o: object): Promise<void> };
    await bundle({ outDir: stage, production: true, parts: ['extension', 'server', 'map'] });
    const vsix = join(stage, 'out.vsix');
    const r = spawnSync(join(binDir, 'vsce'), ['package', '--no-dependencies', '--out', vsix], {
      cwd: stage,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `vsce package failed:\n${r.stdout}\n${r.stderr}`);
    assert.ok(existsSync(vsix));
    const l = spawnSync(join(binDir, 'vsce'), ['ls', '--no-dependencies'], { cwd: stage, encoding: 'utf8', timeout: 60_000 });
    assert.equal(l.status, 0, l.stderr);
    listing = l.stdout
      .trim()
      .split('\n')
      .map((s) => s.trim())
      .sort();
    manifest = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
  });

  after(() => rmSync(stage, { recursive: true, force: true }));

  test('holds the bundles, grammar, snippets, language configuration, icon, README and CHANGELOG, and no dev files', () => {
    for (const f of [
      'dist-bundle/extension.cjs',
      'dist-bundle/server.cjs',
      'dist-bundle/map.js',
      'docs/language.md',
      'syntaxes/slice.tmLanguage.json',
      'snippets/slice.json',
      'language-configuration.json',
      'package.json',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'media/dfvisor.svg',
      'media/icon.png',
    ]) {
      assert.ok(listing.includes(f), `${f} missing from the vsix: ${listing.join(', ')}`);
    }
    const dev = /^(src|test|e2e|scripts|images|node_modules)\/|\.map$|\.ts$|^tsconfig.*\.json$|^esbuild\.mjs$|^\.vscodeignore$|\.vsix$/;
    assert.deepEqual(
      listing.filter((f) => dev.test(f)),
      [],
      'dev files in the vsix',
    );
  });

  test('the icon is a 128x128 PNG', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(join(stage, 'media', 'icon.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
  });

  test('activation, workspace trust and machine-scoped settings', () => {
    // VS Code derives onLanguage/onCommand/onView from the contributions: declaring them again is redundant.
    assert.deepEqual(manifest.activationEvents, ['workspaceContains:**/*.slice']);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(manifest.capabilities.untrustedWorkspaces.description, /Start Embedded Runtime/);
    const props = manifest.contributes.configuration.properties;
    assert.equal(props['dfvisor.api.url'].scope, 'machine');
    assert.equal(props['dfvisor.runtime.path'].scope, 'machine');
  });

  test('the manifest contributes the language, grammar, commands, settings and the view', () => {
    const c = manifest.contributes;
    assert.equal(manifest.main, './dist-bundle/extension.cjs');
    assert.deepEqual(c.languages[0].extensions, ['.slice']);
    assert.equal(c.grammars[0].scopeName, 'source.slice');
    const titles = c.commands.map((x: { category: string; title: string }) => `${x.category}: ${x.title}`);
    for (const t of [
      'DFVisor: Deploy Slices',
      'DFVisor: Undeploy Slice',
      'DFVisor: Show Runtime Status',
      'DFVisor: Start Embedded Runtime',
      'DFVisor: Open Plan',
      'DFVisor: Set API Token',
      'DFVisor: Show Network Map',
    ]) {
      assert.ok(titles.includes(t), `${t} missing`);
    }
    assert.equal(c.configuration.properties['dfvisor.api.url'].default, 'http://127.0.0.1:8181');
    assert.ok(c.configuration.properties['dfvisor.trace.server']);
    assert.ok(c.configuration.properties['dfvisor.runtime.path']);
    assert.equal(c.views.dfvisor[0].id, 'dfvisor.slices');
    const snippets = JSON.parse(readFileSync(join(stage, 'snippets', 'slice.json'), 'utf8'));
    assert.deepEqual(Object.keys(snippets).sort(), ['class', 'flowspace', 'limits', 'link', 'network', 'qos', 'rule', 'slice', 'switch']);
  });
});
