// Where the repository and the real `dfvisor` binary are, for tests in every folder (below both cli/ and api/).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const dfvisorBin = resolve(repoRoot, 'runtime/bin/dfvisor.js');
