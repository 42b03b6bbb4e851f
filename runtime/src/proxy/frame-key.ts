// The flow table's key (rule-index.ts RuleKey) of a tenant flow-mod as it was read: when the reader
// found the match's canonical key bytes in the frame (OpenFlow 1.3 TLVs already in canonical order,
// the flow-mod's `matchKeyAt`), those bytes hashed in place (no string, no copy: the frame is a view
// of a read buffer nobody reuses); out of canonical order (as Open vSwitch writes them), the bytes
// the reader sorted; for OpenFlow 1.0, the key the match reader wrote as it read
// the match (match10-bytes.ts KEY10); else the key written from the match (flow-table.ts ruleKey).
import type { MessageOf } from './messages.js';
import { frameKeyLength, readKeyAt, readKeyBuffer, readKeyLength, readKeyMatch } from './hot-messages.js';
import { ruleKey } from './flow-table.js';
import { hashBytes, RuleKey } from './rule-index.js';
import { KEY10, key10Length, key10Match } from './match10-bytes.js';

/** `raw`: the frame `m` was read from. Use the key right away (as ruleKey's). */
export function flowModKey(m: MessageOf<'flow_mod'>, raw: Buffer): RuleKey {
  const at = m.matchKeyAt;
  if (at === undefined) {
    // 1.3 out of order: the key the reader sorted from the TLVs of this very match.
    if (m.match === readKeyMatch()) {
      const buf = readKeyBuffer(),
        off = readKeyAt(),
        len = readKeyLength();
      return new RuleKey(buf, off, len, hashBytes(buf, off, len));
    }
    // 1.0: the key the match reader wrote as it read this very match.
    if (m.match === key10Match()) return new RuleKey(KEY10, 0, key10Length(), hashBytes(KEY10, 0, key10Length()));
    return ruleKey(m.match);
  }
  const len = frameKeyLength(raw, at);
  return new RuleKey(raw, at, len, hashBytes(raw, at, len));
}
