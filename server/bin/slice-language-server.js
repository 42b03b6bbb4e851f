#!/usr/bin/env node
// The slice language server: `slice-language-server --stdio` or `--node-ipc`.
import '../dist/src/main.js';
