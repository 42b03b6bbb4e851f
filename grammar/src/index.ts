export * from './syntax/ast.js';
export * from './plan/types.js';
export * from './api.js';
