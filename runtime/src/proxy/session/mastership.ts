// This node's role for one switch (OpenFlow 1.3 roles): taking the role the arbiter decided
// (role request with the generation id), dropping this node's tenant connections as a slave,
// acting as a slave when the switch answers a write with IS_SLAVE, and the tenant rule numbers,
// which start past the previous masters' so cookies are never reused on the switch.
import type { MessageOf } from '../messages.js';
import { OFP13 } from '../messages.js';
import { errorName, errorNumbers, OFP13_VERSION, OFPCR_ROLE } from '../../openflow/constants.js';
import { firstRuleNumber } from '../../dataplane/cookies.js';
import type { SessionContext } from './context.js';

/** BAD_REQUEST / IS_SLAVE: the switch refuses writes from a slave controller. */
const IS_SLAVE = errorNumbers(OFP13_VERSION, 'BAD_REQUEST', 'IS_SLAVE');

export function isSlaveError(e: MessageOf<'error'>): boolean {
  return e.errType === IS_SLAVE.type && e.code === IS_SLAVE.code;
}

export class Mastership {
  /**
   * Tenant rule numbers, never reused on this connection: a slice that is set up again must not
   * take the cookies of its removed rules, whose flow_removed messages may still be on the way.
   */
  private ruleNumber = 0;

  constructor(private readonly s: SessionContext) {}

  /** Whether this node writes to the switch: pushes rules and connects the tenant controllers. */
  get mayProgram(): boolean {
    return this.s.role === 'master' && (this.s.host.mayWrite?.(this.s.dpid) ?? true);
  }

  /**
   * Takes a role decided by the arbiter. 1.3: ROLE_REQUEST with the generation id first (the
   * switch handles messages in order, so what follows is sent as that role). A slave drops this
   * node's tenant connections for the switch and keeps its flows. True when this node just
   * became master and must program the switch. 1.0 has no roles: only what this node does changes.
   */
  take(role: 'master' | 'slave', generationId: bigint): boolean {
    const s = this.s;
    const was = s.role;
    s.role = role;
    s.generationId = generationId;
    if (s.version === OFP13) {
      s.request(
        { type: 'role_request', role: role === 'master' ? OFPCR_ROLE.MASTER : OFPCR_ROLE.SLAVE, generationId },
        null,
        'role_reply',
        {
          error: (e) => this.roleRefused(e, role, generationId),
        },
      );
    }
    if (role === 'slave') {
      if (was !== 'slave') this.dropTenants();
      s.log.info({ generationId: String(generationId) }, 'slave of switch');
      return false;
    }
    if (was === 'master') return false;
    s.log.info({ generationId: String(generationId) }, 'master of switch: programming it');
    return true;
  }

  /** The next tenant rule number (a master generation starts past the previous masters' numbers). */
  nextRuleNumber(): number {
    this.ruleNumber = Math.max(this.ruleNumber + 1, firstRuleNumber(this.s.generationId));
    return this.ruleNumber;
  }

  /**
   * The switch refused a write because another controller is master: act as a slave from now on,
   * and tell the host (the arbiter claims the switch again with a newer generation id if its lease
   * is still valid: the switch then had a master the global tier no longer knows of).
   */
  lose(notes: string[]): void {
    const s = this.s;
    if (s.role === 'master') {
      s.role = 'slave';
      this.dropTenants();
      s.log.warn({ generationId: String(s.generationId) }, 'the switch says another node is master: acting as slave');
      s.host.roleRefused?.(s.dpid, s.generationId);
    }
    const note = `${s.dpid}: not programmed here (the switch answered IS_SLAVE: another node is master)`;
    if (!notes.includes(note)) notes.push(note);
  }

  /** Stops this node's tenant connections for the switch; the flows stay (the new master keeps them). */
  private dropTenants(): void {
    const s = this.s;
    for (const b of [...s.bindings.values()]) {
      s.unbind(b);
      s.counters(b).flowEntries -= b.table.entries;
    }
  }

  private roleRefused(e: MessageOf<'error'>, role: 'master' | 'slave', generationId: bigint): void {
    const refused = errorName(OFP13_VERSION, e.errType, e.code).type === 'ROLE_REQUEST_FAILED';
    this.s.log.warn(
      { errType: e.errType, code: e.code, role, generationId: String(generationId) },
      refused ? 'role request refused by the switch' : 'role request failed',
    );
    // A MASTER request refused (the switch saw a newer generation id, e.g. one written on a
    // partition's minority side that the merge dropped): this node is not master at the switch.
    if (refused && role === 'master' && this.s.role === 'master' && this.s.generationId === generationId) this.lose([]);
  }
}
