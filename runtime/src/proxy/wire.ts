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

/** A frame the proxy does not take: `kind` says how to answer it. */
export class DecodeFailure {
  constructor(
    /** An ErrorKind: the proxy cannot slice it (answer with errorCode(version, kind)); 'malformed': not valid OpenFlow. */
    readonly kind: ErrorKind | 'malformed',
    readonly message: string,
    /** For 'malformed': the codec's diagnostic (answer with errorReplyFor). */
    readonly error?: DecodeError,
  ) {}
}

/** A neutral message its version cannot express. */
export class EncodeFailure {
  constructor(readonly message: string) {}
}

/** The message, or an error value (no wrapper object per message: this runs for every message). */
export type Decoded = OfMessage | DecodeFailure;

const wireType = (raw: Buffer): string => (raw.length >= 2 ? (typeName(raw[0]!, raw[1]!) ?? 'unknown') : 'unknown');

/**
 * A frame (one whole OpenFlow message) as a neutral message, or a DecodeFailure. Never throws.
 * Hellos are negotiated by the channel and do not come here.
 */
export function decodeFrame(raw: Buffer, peer: WirePeer): Decoded {
  const hot = readHot(raw);
  if (hot !== null) {
    if (!isRefusal(hot)) {
      countWire(peer, 'in', 'direct', hot.type);
      return hot;
    }
    if (hot.refused !== 'malformed') {
      countWire(peer, 'in', 'refused', wireType(raw));
      return new DecodeFailure(hot.refused, hot.message);
    }
    countWire(peer, 'in', 'malformed', wireType(raw));
    // The codec owns the diagnostic (error type/code and text) of an invalid frame.
    const d = decodeMessage(raw);
    const error: DecodeError = d.ok
      ? { code: 'bad_length', message: `${hot.message} (the codec decodes it: report this)`, offset: 0, ofError: { type: 1, code: 6 } }
      : d.error;
    return new DecodeFailure('malformed', error.message, error);
  }
  const d = decodeMessage(raw);
  if (!d.ok) {
    countWire(peer, 'in', 'malformed', wireType(raw));
    return new DecodeFailure('malformed', d.error.message, d.error);
  }
  try {
    const msg = fromWire(d.msg);
    countWire(peer, 'in', 'codec', msg.type);
    return msg;
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    countWire(peer, 'in', 'refused', d.msg.type);
    return new DecodeFailure(e.kind, e.message);
  }
}

/** The bytes of a neutral message in its version, or an EncodeFailure saying why that version cannot express it. Never throws. */
export function encodeNeutral(m: OfMessage, peer: WirePeer): Buffer | EncodeFailure {
  try {
    const direct = writeHot(m);
    if (direct !== null) {
      countWire(peer, 'out', 'direct', m.type);
      return direct;
    }
    const bytes = encodeMessage(toWire(m));
    countWire(peer, 'out', 'codec', m.type);
    return bytes;
  } catch (e) {
    countWire(peer, 'out', 'unencodable', m.type);
    return new EncodeFailure((e as Error).message);
  }
}
