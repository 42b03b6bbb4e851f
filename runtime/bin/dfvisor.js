#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';
import { endQuietlyOnClosedStdout } from '../dist/src/cli/io.js';
endQuietlyOnClosedStdout();
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
