export { diagnostic, related, sortDiagnostics } from './diagnostic.js';
