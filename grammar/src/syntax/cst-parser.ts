// The Chevrotain grammar of the slice language (CST, error recovery on).
// Built once at module load and reused by every parse() call.
import { CstParser, EOF, tokenMatcher, type CstNode, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { sliceErrorMessages } from './messages.js';

/** Keywords that end a `match` field list (so they are never taken as a field name or value). */
const MATCH_STOPPERS = new Set<TokenType>([
  T.On,
  T.Permit,
  T.Priority,
  T.Min,
  T.Max,
  // the statements of a grant that may follow its `match` line
  T.Match,
  T.Ports,
  T.Bandwidth,
  T.Slices,
  T.Limits,
  T.Controllers,
  T.Delegate,
]);

export class SliceCstParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: sliceErrorMessages,
      // Chevrotain tracks each node's span of real tokens (offsets only): the AST builder's ranges.
      nodeLocationTracking: 'onlyOffset',
    });
    this.performSelfAnalysis();
  }

  /** Set by findReSyncTokenType: how many tokens reSyncTo must skip. */
  private pendingResyncSkip: number | undefined;

  /**
   * Chevrotain's re-sync looks for the first token that may follow a rule on
   * the stack. Ours skips whole `{ … }` groups while looking, so that a broken
   * statement does not take a nested block's '}' for its parent's.
   */
  findReSyncTokenType(): TokenType {
    const self = this as unknown as { flattenFollowSet(): TokenType[] };
    const candidates = self.flattenFollowSet();
    let depth = 0;
    for (let k = 1; ; k++) {
      const t = this.LA(k);
      if (t.tokenType === EOF) {
        this.pendingResyncSkip = k - 1;
        return EOF;
      }
      if (depth === 0) {
        const found = candidates.find((c) => tokenMatcher(t, c));
        if (found !== undefined) {
          this.pendingResyncSkip = k - 1;
          return found;
        }
      }
      if (t.tokenType === T.LCurly) depth++;
      else if (t.tokenType === T.RCurly && depth > 0) depth--;
    }
  }

  reSyncTo(tokType: TokenType): IToken[] {
    const self = this as unknown as { SKIP_TOKEN(): IToken };
    const skip = this.pendingResyncSkip;
    this.pendingResyncSkip = undefined;
    const skipped: IToken[] = [];
    if (skip !== undefined) {
      for (let i = 0; i < skip; i++) {
        skipped.push(this.LA(1));
        self.SKIP_TOKEN();
      }
      return skipped;
    }
    while (!tokenMatcher(this.LA(1), tokType) && this.LA(1).tokenType !== EOF) {
      skipped.push(this.LA(1));
      self.SKIP_TOKEN();
    }
    return skipped;
  }

  private isFieldStart(): boolean {
    const t = this.LA(1).tokenType;
    return !MATCH_STOPPERS.has(t);
  }

  /** A flow rule starts `NAME :`; anything else in a flowspace block is skipped by recovery. */
  private isRuleStart(): boolean {
    return this.LA(2).tokenType === T.Colon;
  }

  public file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.network) },
        { ALT: () => this.SUBRULE(this.slice) },
        { ALT: () => this.SUBRULE(this.grant) },
      ]);
    });
  });

  // ------------------------------------------------------------ grants

  public grant = this.RULE('grant', () => {
    this.CONSUME(T.Grant);
    this.CONSUME(T.StringLiteral, { LABEL: 'owner' });
    this.OPTION(() => {
      this.CONSUME(T.Under);
      this.CONSUME2(T.StringLiteral, { LABEL: 'parent' });
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.grantPorts) },
        { ALT: () => this.SUBRULE(this.grantMatch) },
        { ALT: () => this.SUBRULE(this.grantBandwidth) },
        { ALT: () => this.SUBRULE(this.grantSlices) },
        { ALT: () => this.SUBRULE(this.limitsBlock) },
        { ALT: () => this.SUBRULE(this.grantControllers) },
        { ALT: () => this.SUBRULE(this.grantDelegate) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  public grantPorts = this.RULE('grantPorts', () => {
    this.CONSUME(T.Ports);
    this.SUBRULE(this.portRef, { LABEL: 'location' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.portRef, { LABEL: 'location' });
    });
  });

  public grantMatch = this.RULE('grantMatch', () => {
    this.CONSUME(T.Match);
    this.MANY({ GATE: () => this.isFieldStart(), DEF: () => this.SUBRULE(this.fieldMatch) });
  });

  public grantBandwidth = this.RULE('grantBandwidth', () => {
    this.CONSUME(T.Bandwidth);
    this.SUBRULE(this.rate);
  });

  public grantSlices = this.RULE('grantSlices', () => {
    this.CONSUME(T.Slices);
    this.CONSUME(T.NumberLiteral);
  });

  public grantControllers = this.RULE('grantControllers', () => {
    this.CONSUME(T.Controllers);
    this.SUBRULE(this.address);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.address);
    });
  });

  public address = this.RULE('address', () => {
    this.OR({
      ERR_MSG: 'an IPv4 or IPv6 address or prefix',
      DEF: [{ ALT: () => this.CONSUME(T.Ipv4, { LABEL: 'value' }) }, { ALT: () => this.CONSUME(T.HexColon, { LABEL: 'value' }) }],
    });
  });

  public grantDelegate = this.RULE('grantDelegate', () => {
    this.CONSUME(T.Delegate);
    this.OPTION(() => this.CONSUME(T.NumberLiteral, { LABEL: 'depth' }));
  });

  // ------------------------------------------------------------ network

  public network = this.RULE('network', () => {
    this.CONSUME(T.Network);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.switchDecl) },
        { ALT: () => this.SUBRULE(this.linkDecl) },
        { ALT: () => this.SUBRULE(this.coreDecl) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  public switchDecl = this.RULE('switchDecl', () => {
    this.CONSUME(T.Switch);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Dpid);
    this.SUBRULE(this.dpidValue);
    this.OPTION(() => {
      this.CONSUME(T.Ovsdb);
      this.CONSUME(T.StringLiteral, { LABEL: 'ovsdb' });
    });
    this.OPTION2(() => this.SUBRULE(this.switchBody));
  });

  public switchBody = this.RULE('switchBody', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.portDecl));
    this.CONSUME(T.RCurly);
  });

  public dpidValue = this.RULE('dpidValue', () => {
    this.OR({
      ERR_MSG: 'a dpid (00:00:00:00:00:00:00:01 or a number)',
      DEF: [{ ALT: () => this.CONSUME(T.HexColon) }, { ALT: () => this.CONSUME(T.NumberLiteral) }],
    });
  });

  public portDecl = this.RULE('portDecl', () => {
    this.CONSUME(T.Port);
    this.CONSUME(T.NumberLiteral, { LABEL: 'first' });
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.CONSUME2(T.NumberLiteral, { LABEL: 'last' });
    });
    this.OPTION2(() => this.CONSUME(T.StringLiteral, { LABEL: 'label' }));
    this.OPTION3(() => {
      this.CONSUME(T.Speed);
      this.SUBRULE(this.rate, { LABEL: 'speed' });
    });
  });

  public linkDecl = this.RULE('linkDecl', () => {
    this.CONSUME(T.Link);
    this.SUBRULE(this.portRef, { LABEL: 'a' });
    this.CONSUME(T.Arrow);
    this.SUBRULE2(this.portRef, { LABEL: 'b' });
    this.OPTION(() => {
      this.CONSUME(T.Capacity);
      this.SUBRULE(this.rate, { LABEL: 'capacity' });
    });
  });

  /** `core c1, c2`: switches the hypervisor manages as the core (docs/language.md, Managed core). */
  public coreDecl = this.RULE('coreDecl', () => {
    this.CONSUME(T.Core);
    this.CONSUME(T.Identifier, { LABEL: 'switch' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier, { LABEL: 'switch' });
    });
  });

  public portRef = this.RULE('portRef', () => {
    this.CONSUME(T.Identifier, { LABEL: 'switch' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.CONSUME(T.NumberLiteral, { LABEL: 'first' });
            this.OPTION2(() => {
              this.CONSUME(T.DotDot);
              this.CONSUME2(T.NumberLiteral, { LABEL: 'last' });
            });
          },
        },
      ]);
    });
  });

  // ------------------------------------------------------------ slices

  public slice = this.RULE('slice', () => {
    this.CONSUME(T.Slice);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.ownerStmt) },
        { ALT: () => this.SUBRULE(this.controllerStmt) },
        { ALT: () => this.SUBRULE(this.overlayStmt) },
        { ALT: () => this.SUBRULE(this.flowspaceBlock) },
        { ALT: () => this.SUBRULE(this.qosBlock) },
        { ALT: () => this.SUBRULE(this.limitsBlock) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  public ownerStmt = this.RULE('ownerStmt', () => {
    this.CONSUME(T.Owner);
    this.CONSUME(T.StringLiteral);
  });

  public controllerStmt = this.RULE('controllerStmt', () => {
    this.CONSUME(T.Controller);
    this.CONSUME(T.StringLiteral);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.StringLiteral);
    });
  });

  public overlayStmt = this.RULE('overlayStmt', () => {
    this.CONSUME(T.Overlay);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Vlan, { LABEL: 'mode' });
          this.CONSUME(T.NumberLiteral, { LABEL: 'tag' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Mpls, { LABEL: 'mode' });
          this.CONSUME2(T.NumberLiteral, { LABEL: 'tag' });
        },
      },
      { ALT: () => this.CONSUME(T.Auto, { LABEL: 'mode' }) },
    ]);
  });

  public flowspaceBlock = this.RULE('flowspaceBlock', () => {
    this.CONSUME(T.Flowspace);
    this.CONSUME(T.LCurly);
    this.MANY({ GATE: () => this.isRuleStart(), DEF: () => this.SUBRULE(this.flowRule) });
    this.CONSUME(T.RCurly);
  });

  public flowRule = this.RULE('flowRule', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.CONSUME(T.Match);
    this.MANY({ GATE: () => this.isFieldStart(), DEF: () => this.SUBRULE(this.fieldMatch) });
    this.OPTION(() => {
      this.CONSUME(T.On);
      this.SUBRULE(this.portRef, { LABEL: 'location' });
      this.MANY2(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.portRef, { LABEL: 'location' });
      });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Permit);
      this.MANY3(() => {
        this.OR([
          { ALT: () => this.CONSUME(T.Read, { LABEL: 'permission' }) },
          { ALT: () => this.CONSUME(T.Write, { LABEL: 'permission' }) },
          { ALT: () => this.CONSUME(T.Delegate, { LABEL: 'permission' }) },
        ]);
      });
    });
    this.OPTION3(() => {
      this.CONSUME(T.Priority);
      this.CONSUME(T.NumberLiteral, { LABEL: 'priority' });
    });
  });

  public fieldMatch = this.RULE('fieldMatch', () => {
    this.CONSUME(T.Identifier, { LABEL: 'field' });
    this.OPTION({ GATE: () => this.isFieldStart(), DEF: () => this.SUBRULE(this.fieldValue) });
  });

  public fieldValue = this.RULE('fieldValue', () => {
    this.OR({
      ERR_MSG: 'a field value',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.NumberLiteral, { LABEL: 'first' });
            this.OPTION(() => {
              this.CONSUME(T.DotDot);
              this.CONSUME2(T.NumberLiteral, { LABEL: 'last' });
            });
          },
        },
        { ALT: () => this.CONSUME(T.HexColon) },
        { ALT: () => this.CONSUME(T.Ipv4) },
        { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'name' }) },
      ],
    });
  });

  public qosBlock = this.RULE('qosBlock', () => {
    this.CONSUME(T.Qos);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.guaranteeStmt) },
        { ALT: () => this.SUBRULE(this.capStmt) },
        { ALT: () => this.SUBRULE(this.classDecl) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  public guaranteeStmt = this.RULE('guaranteeStmt', () => {
    this.CONSUME(T.Guarantee);
    this.SUBRULE(this.rate);
    this.CONSUME(T.On);
    this.SUBRULE(this.linkRef);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.linkRef);
    });
  });

  public linkRef = this.RULE('linkRef', () => {
    this.SUBRULE(this.portRef, { LABEL: 'a' });
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE2(this.portRef, { LABEL: 'b' });
    });
  });

  public capStmt = this.RULE('capStmt', () => {
    this.CONSUME(T.Cap);
    this.SUBRULE(this.rate);
  });

  public classDecl = this.RULE('classDecl', () => {
    this.CONSUME(T.Class);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.classContent);
    this.CONSUME(T.RCurly);
  });

  /** Separate from classDecl so that recovery inside stops at the class's own '}'. */
  public classContent = this.RULE('classContent', () => {
    this.CONSUME(T.Match);
    this.MANY({ GATE: () => this.isFieldStart(), DEF: () => this.SUBRULE(this.fieldMatch) });
    this.OPTION(() => {
      this.CONSUME(T.Min);
      this.SUBRULE(this.rate, { LABEL: 'min' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Max);
      this.SUBRULE2(this.rate, { LABEL: 'max' });
    });
    this.OPTION3(() => {
      this.CONSUME(T.Priority);
      this.CONSUME(T.NumberLiteral, { LABEL: 'priority' });
    });
  });

  /** A rate; a bare number is accepted here and kept as a malformed rate (SL201, not a syntax error). */
  public rate = this.RULE('rate', () => {
    this.OR({
      ERR_MSG: 'a rate (e.g. 1Gbps)',
      DEF: [{ ALT: () => this.CONSUME(T.Rate, { LABEL: 'value' }) }, { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'value' }) }],
    });
  });

  /** A message rate `N/s`; a bare number is kept as a malformed one. */
  public messageRate = this.RULE('messageRate', () => {
    this.OR({
      ERR_MSG: 'a message rate (e.g. 100/s)',
      DEF: [
        { ALT: () => this.CONSUME(T.MessageRate, { LABEL: 'value' }) },
        { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'value' }) },
      ],
    });
  });

  public limitsBlock = this.RULE('limitsBlock', () => {
    this.CONSUME(T.Limits);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.flowEntriesStmt) },
        { ALT: () => this.SUBRULE(this.controlRateStmt) },
        { ALT: () => this.SUBRULE(this.packetInRateStmt) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  public flowEntriesStmt = this.RULE('flowEntriesStmt', () => {
    this.CONSUME(T.FlowEntries);
    this.CONSUME(T.NumberLiteral);
    this.OPTION(() => {
      this.CONSUME(T.On);
      this.CONSUME(T.Identifier, { LABEL: 'switch' });
    });
  });

  public controlRateStmt = this.RULE('controlRateStmt', () => {
    this.CONSUME(T.ControlRate);
    this.SUBRULE(this.messageRate);
  });

  public packetInRateStmt = this.RULE('packetInRateStmt', () => {
    this.CONSUME(T.PacketInRate);
    this.SUBRULE(this.messageRate);
  });
}

let instance: SliceCstParser | undefined;

/** The shared parser instance (grammar analysis is done once). */
export function sliceParser(): SliceCstParser {
  instance ??= new SliceCstParser();
  return instance;
}

/** Parse a token vector into a CST (`file` rule); errors are in `parser.errors`. */
export function parseTokens(tokens: IToken[]): { cst: CstNode; parser: SliceCstParser } {
  const parser = sliceParser();
  parser.input = tokens;
  const cst = parser.file();
  return { cst, parser };
}
