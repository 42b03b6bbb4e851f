// Lowering: source values (match fields, controller endpoints, overlay lines) to the plan's shapes.
// Below both check/ (which reports what cannot be lowered) and compile/ (which builds the plan).
export { lowerMatch, FIELD_NAMES, type LoweredMatch, type ValueProblem } from './field-match.js';
export { parseEndpoint } from './endpoint.js';
export {
  allocateOverlays,
  allocateVirtualLinkTags,
  freeTag,
  VLAN_POOL,
  MPLS_POOL,
  type OverlayAssignment,
  type OverlayType,
} from './overlay.js';
export { ovsdbAddressProblem } from './ovsdb-address.js';
export { allocateVirtualPorts, VIRTUAL_PORT_LAST } from './virtual-ports.js';
