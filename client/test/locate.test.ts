// Which program "Start Embedded Runtime" runs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { locateRuntime } from '../src/runtime/locate.js';
import { clientDir, repoDir } from './helpers/paths.js';

test('defaults to the repository runtime next to the extension, run with node', () => {
  const r = locateRuntime('', clientDir, '/usr/bin/node');
  assert.deepEqual(r, {
    command: '/usr/bin/node',
    args: [join(repoDir, 'runtime', 'bin', 'dfvisor.js')],
    source: 'repository',
    viaNode: true,
  });
});

test('a configured .js path runs under node, relative to the workspace', () => {
  const r = locateRuntime('tools/dfvisor.mjs', '/nowhere', '/n', '/ws');
  assert.deepEqual(r, { command: '/n', args: ['/ws/tools/dfvisor.mjs'], source: 'setting', viaNode: true });
});

test('a configured executable runs as is; nothing found falls back to dfvisor on PATH', () => {
  assert.deepEqual(locateRuntime('/opt/dfvisor/bin/dfvisor', '/nowhere', '/n'), {
    command: '/opt/dfvisor/bin/dfvisor',
    args: [],
    source: 'setting',
    viaNode: false,
  });
  assert.deepEqual(locateRuntime(undefined, '/nowhere', '/n'), { command: 'dfvisor', args: [], source: 'path', viaNode: false });
});
