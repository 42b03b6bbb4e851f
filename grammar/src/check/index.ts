export * from './workspace.js';
export { findOverlaps, checkOverlaps, type Overlap } from './overlap.js';
export { reservationsByLink, type Reservation } from './admission.js';
export { checkWithoutNetwork, noNetworkDiagnostic } from './unplaced.js';
export { checkGrants, GRANT_CODES, type GrantScope } from './grants.js';
export { grantModels, parseAddressPrefix, type GrantModel } from './grant-model.js';
export { checkCore } from './core.js';
export { admitCore, virtualGuarantees, type AdmittedVirtualLink, type CoreAdmission } from './core-admission.js';
