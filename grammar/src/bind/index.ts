export * from './program.js';
export * from './bind.js';
export * from './lookup.js';
export * from './locations.js';
export * from './view.js';
export * from './core-paths.js';
