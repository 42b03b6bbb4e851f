export * from './workspace.js';
export { findOverlaps, checkOverlaps, type Overlap } from './overlap.js';
export { reservationsByLink, type Reservation } from './admission.js';
export { diagnostic, related, sortDiagnostics } from './diagnostic.js';
