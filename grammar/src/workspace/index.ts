export * from './load.js';
export * from './networks.js';
