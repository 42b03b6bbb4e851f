/**
 * OpenFlow 1.0 / 1.3 wire codec (no external OpenFlow library).
 *
 * Main exports:
 * - `decodeMessage(buf)` → `{ ok: true, msg } | { ok: false, error: { code, message, offset, ofError } }`
 *   (never throws; `ofError` is the OpenFlow error type/code to send back, see `errorReplyFor`).
 * - `encodeMessage(msg)` → Buffer (lengths and padding computed; throws RangeError on unencodable values).
 *   The message's exact size is computed first (`messageLength`) and it is written into one buffer of
 *   that size; address text is parsed by the grammar's char-code parsers (@dfvisor/grammar) straight into it.
 * - `OfMessage` and per-message types (`FlowMod13`, `FlowMod10`, `PacketIn13`, …): plain data with
 *   `version` (1 | 4), `type` (shared names: 'flow_mod', 'packet_in', 'multipart_reply'…) and `xid`.
 * - OXM matches: ordered `OxmTlv[]` of `{ field, value, mask? }` in binary form (numbers; bigint for 64-bit,
 *   MAC and IPv6; IPv4 as its 32-bit number; text only via `oxmValueText`; vlan_vid keeps OFPVID_PRESENT); other classes as `{ field: 'raw', oxmClass, oxmField, value }`.
 * - `Action13`, `Instruction`, `Action10`, `Match10` (with `MATCH10_ALL`), multipart bodies by `mpType`.
 * - `OpenFlowFramer` (TCP chunks → whole frames, framing errors as values) and `OpenFlowConnection`
 *   (socket wrapper: send/request, 'message' events, echo auto-reply, xid allocation, close with reason).
 * - Hello helpers: `versionBitmap`, `helloVersions`, `negotiateVersion`; constants (`OFPP13`, `OFPP10`,
 *   `OFPVID_PRESENT`, `OFPFC`, `OFP_NO_BUFFER`…), `errorName` / `errorNumbers` for error type/code names.
 */
export { ipv4Text, ipv4ToBytes, ipv4ToString, ipv6Text, ipv6ToBytes, ipv6ToString, macText, macToBytes, macToString } from './bytes.js';
export type { OfErrorSuggestion } from './bytes.js';
export * from './constants.js';
export * from './oxm.js';
export * from './actions.js';
export * from './types.js';
export * from './multipart-types.js';
export * from './structs.js';
export { decodeMessage, encodeMessage, errorReplyFor, helloVersions, messageLength, negotiateVersion, versionBitmap } from './codec.js';
export type { DecodeError, DecodeResult } from './codec.js';
export * from './framer.js';
export * from './connection.js';
