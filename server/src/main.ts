// Entry point: `slice-language-server --stdio` (or `--node-ipc`, `--socket=N`),
// the transport is picked from the command line by vscode-languageserver.
// Bundle-safe: no import.meta, no top-level await (esbuild can emit one CJS file).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
