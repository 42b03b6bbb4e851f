// The proxy's one translation between OpenFlow frames and its neutral messages (messages.ts):
// `decodeFrame` and `encodeNeutral` are the only way in and out for every message a channel
// handles, in both versions. Packet-ins, flow-mods and packet-outs (1.3 and 1.0) go straight
// between frame and neutral message (hot-messages.ts), every other type through the codec
// (runtime/src/openflow) and translate.ts; each type has exactly one path, and a frame that path
// cannot take is an error value, never a second attempt another way. Every message is counted
// by type, direction, peer and path (wire-counts.ts, exposed in /metrics).
import { decodeMessage, encodeMessage, typeName, type DecodeError } from '../openflow/index.js';
import { isRefusal, readHot, writeHot } from './hot-messages.js';
import type { ErrorKind, OfMessage } from './messages.js';
import { fromWire, toWire, Untranslatable } from './translate.js';
import { countWire, type WirePeer } from './wire-counts.js';

export type Decoded =
  | { ok: true; msg: OfMessage }
  /** The proxy cannot slice it: answer with errorCode(version, kind). */
  | { ok: false; kind: ErrorKind; message: string }
  /** The frame is not valid OpenFlow: answer with the codec's error (errorReplyFor). */
  | { ok: false; kind: 'malformed'; error: DecodeError };

const wireType = (raw: Buffer): string => (raw.length >= 2 ? typeName(raw[0]!, raw[1]!) ?? 'unknown' : 'unknown');

/**
 * A frame (one whole OpenFlow message) as a neutral message, or an error value. Never throws.
 * Hellos are negotiated by the channel and do not come here.
 */
export function decodeFrame(raw: Buffer, peer: WirePeer): Decoded {
  const hot = readHot(raw);
  if (hot !== null) {
    if (!isRefusal(hot)) {
      countWire(peer, 'in', 'direct', hot.type);
      return { ok: true, msg: hot };
    }
    if (hot.refused !== 'malformed') {
      countWire(peer, 'in', 'refused', wireType(raw));
      return { ok: false, kind: hot.refused, message: hot.message };
    }
    countWire(peer, 'in', 'malformed', wireType(raw));
    // The codec owns the diagnostic (error type/code and text) of an invalid frame.
    const d = decodeMessage(raw);
    const error: DecodeError = d.ok ? { code: 'bad_length', message: `${hot.message} (the codec decodes it: report this)`, offset: 0, ofError: { type: 1, code: 6 } } : d.error;
    return { ok: false, kind: 'malformed', error };
  }
  const d = decodeMessage(raw);
  if (!d.ok) {
    countWire(peer, 'in', 'malformed', wireType(raw));
    return { ok: false, kind: 'malformed', error: d.error };
  }
  try {
    const msg = fromWire(d.msg);
    countWire(peer, 'in', 'codec', msg.type);
    return { ok: true, msg };
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    countWire(peer, 'in', 'refused', d.msg.type);
    return { ok: false, kind: e.kind, message: e.message };
  }
}

/** The bytes of a neutral message in its version, or why that version cannot express it. Never throws. */
export function encodeNeutral(m: OfMessage, peer: WirePeer): { ok: true; bytes: Buffer } | { ok: false; message: string } {
  try {
    const direct = writeHot(m);
    if (direct !== null) {
      countWire(peer, 'out', 'direct', m.type);
      return { ok: true, bytes: direct };
    }
    const bytes = encodeMessage(toWire(m));
    countWire(peer, 'out', 'codec', m.type);
    return { ok: true, bytes };
  } catch (e) {
    countWire(peer, 'out', 'unencodable', m.type);
    return { ok: false, message: (e as Error).message };
  }
}
