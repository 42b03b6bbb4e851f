// Editor-agnostic language features over the syntax trees (plain data, no LSP types).
export * from './walk.js';
export * from './docs.js';
export * from './editor-program.js';
export * from './navigation.js';
export * from './outline.js';
export * from './hover.js';
export * from './completion.js';
export * from './inlay.js';
export * from './semantic.js';
export * from './code-actions.js';
export * from './runtime-topology.js';
export * from './core-hover.js';
