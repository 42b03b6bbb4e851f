export * from './addresses.js';
export * from './fields.js';
export * from './space.js';
export * from './difference.js';
