// Paths the client tests use (side-effect free: node --test runs every file under dist/test/).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** client/ (this file is client/dist/test/helpers/paths.js once compiled). */
export const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const repoDir = resolve(clientDir, '..');
export const binDir = join(repoDir, 'node_modules', '.bin');
export const fixtures = join(clientDir, 'test', 'fixtures');
