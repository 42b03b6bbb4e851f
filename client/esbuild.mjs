// Bundles the extension, the language server and the extension tests with esbuild.
//   node esbuild.mjs                 development build (source maps)
//   node esbuild.mjs --production    minified, for the .vsix
// Output: dist-bundle/extension.cjs, dist-bundle/server.cjs (the language server, started over IPC),
//         dist-bundle/map.js (the network map's webview script with cytoscape, for the browser),
//         dist-e2e/suite/*.cjs (the mocha suite that @vscode/test-electron's runTests loads).
// The language core is bundled from its TypeScript sources, so the build does not depend on `tsc -b` order.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  logLevel: 'warning',
  alias: { '@dfvisor/grammar': join(repo, 'grammar', 'src', 'index.ts') },
  // `import.meta.url` has no meaning in a CommonJS bundle; nothing on these paths needs it.
  define: { 'import.meta.url': 'undefined' },
};

/**
 * Writes <outDir>/dist-bundle/{extension,server}.cjs and <outDir>/dist-e2e/suite/*.cjs.
 * Files are overwritten in place (no folder removal), so a concurrent reader never sees them missing.
 */
export async function bundle({ outDir = here, production: prod = production, parts = ['extension', 'server', 'map', 'suite'] } = {}) {
  const opts = { ...common, sourcemap: prod ? false : 'linked', minify: prod };
  if (parts.includes('extension')) {
    await build({ ...opts, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(outDir, 'dist-bundle', 'extension.cjs'), external: ['vscode'] });
  }
  if (parts.includes('map')) {
    // Runs in the webview (a browser page): one self-contained script, loaded by nonce under a strict CSP.
    await build({
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      logLevel: 'warning',
      sourcemap: prod ? false : 'linked',
      minify: prod,
      entryPoints: [join(here, 'src', 'map', 'webview', 'main.ts')],
      outfile: join(outDir, 'dist-bundle', 'map.js'),
    });
  }
  const serverMain = join(repo, 'server', 'src', 'main.ts');
  if (parts.includes('server')) {
    if (!existsSync(serverMain)) throw new Error(`esbuild: ${serverMain} not found: the extension needs its language server`);
    await build({ ...opts, entryPoints: [serverMain], outfile: join(outDir, 'dist-bundle', 'server.cjs') });
    // The server links each diagnostic to the nearest docs/language.md above it: ship a copy.
    mkdirSync(join(outDir, 'docs'), { recursive: true });
    copyFileSync(join(repo, 'docs', 'language.md'), join(outDir, 'docs', 'language.md'));
  }
  if (parts.includes('suite')) {
    const suiteDir = join(here, 'test', 'e2e', 'suite');
    const suiteEntries = readdirSync(suiteDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join(suiteDir, f));
    await build({
      ...common,
      sourcemap: 'inline',
      entryPoints: suiteEntries,
      outdir: join(outDir, 'dist-e2e', 'suite'),
      outExtension: { '.js': '.cjs' },
      external: ['vscode', 'mocha'],
    });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle();
  console.log(`bundled${production ? ' (production)' : ''} into ${join(here, 'dist-bundle')} and ${join(here, 'dist-e2e')}`);
}
