// The API's JSON Schemas: shared components (added to Fastify with addSchema and referenced as
// `Name#`) and the schema of every route. Fastify validates requests and serializes responses
// with them, and @fastify/swagger generates the OpenAPI document (docs/openapi.yaml) from them.

/** A free-form object (plan sections): serialized as it is. */
const anyObject = { type: 'object', additionalProperties: true } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const sliceName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' } as const;

const position = {
  type: 'object',
  required: ['line', 'character'],
  properties: { line: { type: 'integer' }, character: { type: 'integer' }, offset: { type: 'integer' } },
} as const;
const range = { type: 'object', required: ['start', 'end'], properties: { start: position, end: position } } as const;

/** A link discovery saw (LLDP probes both ways or one), with its first sighting. */
const discoveredLink = {
  type: 'object',
  required: ['a', 'b', 'since'],
  properties: { a: { $ref: 'LinkEnd#' }, b: { $ref: 'LinkEnd#' }, since: { type: 'string', format: 'date-time' } },
} as const;

/** Pausing or resuming a slice: the slice and whether it is paused now (a pause: what became of its rules). */
function pauseRoute(summary: string, pause: boolean) {
  return {
    summary,
    tags: ['slices'],
    params: nameParams,
    ...(pause
      ? {
          querystring: {
            type: 'object',
            properties: {
              rules: {
                type: 'string',
                enum: ['keep', 'remove'],
                default: 'keep',
                description: "the slice's tenant rules on its switches: kept (default) or deleted (base rules, ids and revision stay)",
              },
            },
          },
        }
      : {}),
    response: {
      200: json(
        {
          type: 'object',
          required: ['slice', 'paused'],
          properties: {
            slice: { type: 'string' },
            paused: { type: 'boolean' },
            ...(pause
              ? { rules: { type: 'string', enum: ['keep', 'remove'], description: 'what the pause did with its tenant rules' } }
              : {}),
          },
        },
        'done',
      ),
      ...(pause ? { 400: problem } : {}),
      ...authProblems,
      404: problem,
      502: problem,
    },
  };
}

/** Parts of the VirtualLink schema. */
const vlEnd = {
  type: 'object',
  required: ['switch', 'port'],
  properties: { switch: { type: 'string' }, port: { type: 'integer' } },
} as const;
const vlCount = {
  type: ['object', 'null'],
  description: 'frames and bytes into the core from that end on the path in use; null: no statistics round here',
  required: ['packets', 'bytes'],
  properties: { packets: { type: 'integer' }, bytes: { type: 'integer' } },
} as const;
export const components = [
  {
    $id: 'Diagnostic',
    type: 'object',
    description: 'A checker diagnostic (as `dfvisor check --format json` prints it), positions 0-based',
    required: ['file', 'range', 'severity', 'code', 'message'],
    properties: {
      file: { type: 'string' },
      range,
      severity: { enum: ['error', 'warning', 'info'] },
      code: { type: 'string', examples: ['SL301'] },
      message: { type: 'string' },
      related: {
        type: 'array',
        items: {
          type: 'object',
          required: ['file', 'range', 'message'],
          properties: { file: { type: 'string' }, range, message: { type: 'string' } },
        },
      },
      data: { type: 'object', additionalProperties: true, description: 'machine-readable data for quick fixes' },
    },
  },
  {
    $id: 'SchemaError',
    type: 'object',
    description: 'One JSON Schema violation: a JSON pointer into the request and what is wrong there',
    required: ['path', 'message'],
    properties: { path: { type: 'string' }, message: { type: 'string' } },
  },
  {
    $id: 'Problem',
    type: 'object',
    description: "RFC 9457 problem details with the runtime's error code",
    required: ['type', 'title', 'status', 'detail', 'code'],
    additionalProperties: true,
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      code: { type: 'string' },
      diagnostics: { type: 'array', items: { $ref: 'Diagnostic#' } },
      errors: { type: 'array', items: { $ref: 'SchemaError#' } },
      switches: { type: 'array', items: { $ref: 'SwitchApplyOutcome#' }, description: 'APPLY_FAILED: each switch and its error' },
      slices: { ...strings, description: 'GRANTS_CONFLICT: the deployed slices in the way of the grant change' },
    },
  },
  {
    $id: 'SourceFile',
    type: 'object',
    required: ['path', 'text'],
    additionalProperties: false,
    properties: { path: { type: 'string', minLength: 1, maxLength: 4096 }, text: { type: 'string' } },
  },
  {
    $id: 'DeployRequest',
    type: 'object',
    additionalProperties: false,
    properties: {
      files: { type: 'array', items: { $ref: 'SourceFile#' }, minItems: 1, maxItems: 10000 },
      plan: {
        type: 'object',
        description: 'A compiled plan (admin only), validated against grammar/plan.schema.json',
        required: ['format', 'version', 'network', 'slices', 'flowspace', 'qos'],
        properties: { format: { const: 'dfvisor-plan' }, version: { const: 1 } },
      },
    },
    oneOf: [{ required: ['files'] }, { required: ['plan'] }],
  },
  {
    $id: 'DeployResult',
    type: 'object',
    required: ['revision', 'dryRun', 'diff', 'slices', 'diagnostics'],
    properties: {
      revision: { type: 'integer' },
      dryRun: { type: 'boolean' },
      diff: {
        type: 'object',
        required: ['added', 'changed', 'removed', 'unchanged'],
        properties: { added: strings, changed: strings, removed: strings, unchanged: strings },
      },
      slices: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'owner', 'status'],
          properties: {
            name: { type: 'string' },
            owner: { type: ['string', 'null'] },
            status: { enum: ['added', 'changed', 'unchanged'] },
          },
        },
      },
      diagnostics: { type: 'array', items: { $ref: 'Diagnostic#' } },
      switches: {
        type: 'array',
        description: "each declared switch's outcome, as its master reported it (absent for a dry run or no change)",
        items: { $ref: 'SwitchApplyOutcome#' },
      },
      unreachable: { type: 'boolean', description: 'some switch could not be reached; it gets the revision when it comes back' },
    },
  },
  {
    $id: 'SwitchApplyOutcome',
    type: 'object',
    required: ['dpid', 'status', 'node', 'errors'],
    properties: {
      dpid: { type: 'string' },
      status: { enum: ['applied', 'refused', 'unreachable'] },
      node: { type: ['string', 'null'] },
      errors: strings,
    },
  },
  {
    $id: 'ControllerState',
    type: 'object',
    required: ['url', 'connected'],
    properties: { url: { type: 'string' }, connected: { type: 'boolean' } },
  },
  {
    $id: 'SliceSummary',
    type: 'object',
    required: ['name', 'owner', 'overlay', 'switches', 'controllers', 'revision'],
    properties: {
      name: { type: 'string' },
      owner: { type: ['string', 'null'] },
      overlay: { type: 'object', required: ['type', 'tag'], properties: { type: { enum: ['vlan', 'mpls'] }, tag: { type: 'integer' } } },
      switches: { type: 'array', items: { type: 'string', description: 'dpid, 16 hex digits' } },
      controllers: { type: 'array', items: { $ref: 'ControllerState#' } },
      revision: { type: 'integer' },
      paused: { type: 'boolean', description: 'paused: its controller connections are held off (POST /v1/slices/{name}/pause)' },
    },
  },
  {
    $id: 'SliceDetail',
    type: 'object',
    required: ['name', 'owner', 'overlay', 'switches', 'controllers', 'revision', 'view', 'flowspace', 'qos', 'limits'],
    properties: {
      name: { type: 'string' },
      owner: { type: ['string', 'null'] },
      overlay: { type: 'object', required: ['type', 'tag'], properties: { type: { enum: ['vlan', 'mpls'] }, tag: { type: 'integer' } } },
      switches: { type: 'array', items: { type: 'string' } },
      controllers: { type: 'array', items: { $ref: 'ControllerState#' } },
      revision: { type: 'integer' },
      view: { type: 'array', items: anyObject, description: "the slice's switches and ports (plan `view`)" },
      flowspace: { type: 'array', items: anyObject, description: "the slice's flowspace entries (plan `flowspace`)" },
      qos: { ...anyObject, description: "the slice's QoS with its meters and queues" },
      limits: { ...anyObject, description: "the slice's limits (plan `limits`)" },
    },
  },
  {
    $id: 'VirtualLink',
    type: 'object',
    description: "a slice's virtual link across the managed core (docs/dataplane.md, Managed core)",
    required: ['id', 'a', 'b', 'tag', 'state', 'path', 'paths', 'pathChanges', 'counters'],
    properties: {
      id: { type: 'string', description: '"e1<->e2"' },
      a: vlEnd,
      b: vlEnd,
      tag: { type: 'integer', description: "the overlay tag the link's frames carry in the core" },
      state: { type: 'string', enum: ['up', 'down'], description: 'down: no admitted path is up (the virtual ports are down)' },
      path: {
        type: ['object', 'null'],
        required: ['index', 'links', 'switches'],
        properties: {
          index: { type: 'integer', description: 'position among the admitted paths (0: preferred)' },
          links: { type: 'array', items: { type: 'string' } },
          switches: { type: 'array', items: { type: 'string' }, description: 'core switches crossed, from a to b' },
        },
      },
      paths: { type: 'integer', description: 'admitted paths' },
      pathChanges: { type: 'integer', description: 'path changes since this node started' },
      counters: {
        type: 'object',
        required: ['aToB', 'bToA', 'statsAt'],
        properties: {
          aToB: vlCount,
          bToA: vlCount,
          statsAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
  },
  {
    $id: 'SliceStats',
    type: 'object',
    required: ['slice', 'updatedAt', 'packets', 'bytes', 'flows', 'packetIns', 'perSwitch'],
    properties: {
      slice: { type: 'string' },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
      packets: { type: 'integer' },
      bytes: { type: 'integer' },
      flows: { type: 'integer' },
      packetIns: { type: 'integer' },
      perSwitch: {
        type: 'array',
        items: {
          type: 'object',
          required: ['dpid', 'packets', 'bytes', 'flows'],
          properties: { dpid: { type: 'string' }, packets: { type: 'integer' }, bytes: { type: 'integer' }, flows: { type: 'integer' } },
        },
      },
      removed: { type: 'object', required: ['packets', 'bytes'], properties: { packets: { type: 'integer' }, bytes: { type: 'integer' } } },
      queues: {
        type: 'array',
        items: {
          type: 'object',
          required: ['dpid', 'port', 'queueId', 'txPackets', 'txBytes', 'txErrors'],
          properties: {
            dpid: { type: 'string' },
            port: { type: 'integer' },
            queueId: { type: 'integer' },
            txPackets: { type: 'integer' },
            txBytes: { type: 'integer' },
            txErrors: { type: 'integer' },
          },
        },
      },
      proxy: {
        type: 'object',
        description:
          "what the proxy held back from or refused to the slice's controllers, summed over the live nodes (each since it started)",
        required: ['packetInsDropped', 'controlRateDrops', 'flowModsRejected', 'packetOutsRejected', 'refused'],
        properties: {
          packetInsDropped: { type: 'integer', description: 'controller down or slow, or over the packet_in_rate' },
          controlRateDrops: { type: 'integer', description: 'tenant messages over the control rate limit' },
          flowModsRejected: { type: 'integer' },
          packetOutsRejected: { type: 'integer' },
          refused: {
            type: 'array',
            description: 'refused tenant messages by message type and reason (the OpenFlow error sent back)',
            items: {
              type: 'object',
              required: ['message', 'reason', 'count'],
              properties: {
                message: { type: 'string', examples: ['flow_mod'] },
                reason: { type: 'string', examples: ['eperm_flow'] },
                count: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
  {
    $id: 'RevisionInfo',
    type: 'object',
    required: ['revision', 'createdAt', 'action', 'slices'],
    properties: {
      revision: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' },
      by: { type: 'string', description: 'who made it (to tenants only when they did)' },
      action: { enum: ['deploy', 'undeploy', 'rollback'] },
      slices: strings,
    },
  },
  {
    $id: 'RuntimeStatus',
    type: 'object',
    required: ['node', 'revision', 'nodes', 'switches', 'slices'],
    properties: {
      node: { type: 'string' },
      revision: { type: 'integer' },
      nodes: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'api', 'alive'],
          properties: { id: { type: 'string' }, api: { type: ['string', 'null'] }, alive: { type: 'boolean' } },
        },
      },
      switches: {
        type: 'array',
        items: {
          type: 'object',
          required: ['dpid', 'name', 'master', 'connected'],
          properties: {
            dpid: { type: 'string' },
            name: { type: ['string', 'null'] },
            master: { type: ['string', 'null'] },
            connected: { type: 'boolean' },
          },
        },
      },
      slices: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'controllers'],
          properties: { name: { type: 'string' }, controllers: { type: 'array', items: { $ref: 'ControllerState#' } } },
        },
      },
    },
  },
  {
    $id: 'Topology',
    type: 'object',
    required: ['switches', 'links'],
    properties: {
      switches: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'dpid', 'ports', 'connected'],
          additionalProperties: true,
          properties: {
            name: { type: 'string' },
            dpid: { type: 'string' },
            ports: { type: ['array', 'null'], items: anyObject },
            connected: { type: 'boolean' },
          },
        },
      },
      links: { type: 'array', items: anyObject },
      refused: {
        description: 'admin only: switches refused because the deployed network does not declare their datapath id',
        type: 'array',
        items: {
          type: 'object',
          required: ['dpid', 'address', 'count', 'lastSeen'],
          properties: {
            dpid: { type: 'string' },
            address: { type: 'string', description: 'the last refused connection (HOST:PORT)' },
            count: { type: 'integer', description: 'connections refused since the node started' },
            lastSeen: { type: 'string', format: 'date-time' },
          },
        },
      },
      discovery: { $ref: 'TopologyCheck#' },
    },
  },
  {
    $id: 'LinkEnd',
    type: 'object',
    required: ['switch', 'dpid', 'port'],
    properties: {
      switch: { type: ['string', 'null'], description: 'the declared name; null when the network does not declare the dpid' },
      dpid: { type: 'string' },
      port: { type: 'integer' },
    },
  },
  {
    $id: 'TopologyCheck',
    type: 'object',
    description:
      "admin only: declared vs discovered (the hypervisor's LLDP probes, sent by the master of each switch out of every port every `intervalMs`)",
    required: ['network', 'enabled', 'intervalMs', 'settled', 'links', 'extra', 'portsDown', 'undeclared', 'probes'],
    properties: {
      network: { type: ['string', 'null'], description: "the deployed network's name" },
      enabled: { type: 'boolean', description: 'false when discoveryIntervalMs is 0' },
      intervalMs: { type: 'integer' },
      settled: { type: 'boolean', description: 'false until two intervals after the node started (links may still read missing)' },
      links: {
        type: 'array',
        description: 'every declared link: seen as declared, missing (no probe crossed it), or miswired (an end sees another peer)',
        items: {
          type: 'object',
          required: ['id', 'a', 'b', 'state'],
          properties: {
            id: { type: 'string' },
            a: { $ref: 'LinkEnd#' },
            b: { $ref: 'LinkEnd#' },
            state: { enum: ['seen', 'missing', 'miswired'] },
            since: { type: 'string', format: 'date-time', description: 'seen: first sighting' },
            seen: {
              type: 'array',
              description: 'miswired: the links discovered at its ends instead',
              items: discoveredLink,
            },
          },
        },
      },
      extra: {
        type: 'array',
        description: 'discovered links between ports no declared link names',
        items: discoveredLink,
      },
      portsDown: {
        type: 'array',
        description: 'ports of connected declared switches that are down',
        items: {
          type: 'object',
          required: ['switch', 'dpid', 'port', 'name', 'reason'],
          properties: {
            switch: { type: ['string', 'null'] },
            dpid: { type: 'string' },
            port: { type: 'integer' },
            name: { type: 'string' },
            reason: { enum: ['link-down', 'admin-down'] },
          },
        },
      },
      undeclared: {
        type: 'array',
        description: 'switches that connect with a datapath id the network does not declare',
        items: {
          type: 'object',
          required: ['dpid', 'address', 'lastSeen'],
          properties: { dpid: { type: 'string' }, address: { type: 'string' }, lastSeen: { type: 'string', format: 'date-time' } },
        },
      },
      probes: {
        type: 'object',
        description: "this node's probes since it started: sent, received back, forged (failed the signature or stale; dropped)",
        required: ['sent', 'received', 'forged'],
        properties: { sent: { type: 'integer' }, received: { type: 'integer' }, forged: { type: 'integer' } },
      },
    },
  },
  {
    $id: 'AuditEntry',
    type: 'object',
    required: ['at', 'who', 'action', 'target', 'outcome'],
    properties: {
      at: { type: 'string' },
      who: { type: 'string' },
      action: { type: 'string' },
      target: { type: 'string' },
      outcome: { enum: ['ok', 'refused', 'failed'] },
      revision: { type: 'integer' },
      detail: { type: 'string' },
    },
  },
  {
    $id: 'GrantView',
    type: 'object',
    description: "A tenant's grant in force (inherited statements included) and the part of the network it may use",
    required: ['owner', 'parent', 'grant', 'network', 'source'],
    properties: {
      owner: { type: 'string' },
      parent: { type: ['string', 'null'], description: 'the owner whose grant this one is carved out of' },
      grant: {
        type: 'object',
        required: ['ports', 'match', 'bandwidthBps', 'slices', 'limits', 'controllers', 'delegate'],
        properties: {
          ports: {
            type: ['array', 'null'],
            description: 'granted ports per switch (null: every port); link ports between them follow',
            items: {
              type: 'object',
              required: ['name', 'dpid', 'ports'],
              properties: {
                name: { type: 'string' },
                dpid: { type: 'string' },
                ports: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'array', items: { type: 'integer' } } }] },
              },
            },
          },
          match: { type: ['array', 'null'], items: anyObject, description: 'a union of plan matches (null: any packet)' },
          bandwidthBps: { type: ['number', 'null'] },
          slices: { type: ['integer', 'null'] },
          limits: {
            type: 'object',
            required: ['flowEntries', 'controlRate', 'packetInRate'],
            properties: {
              flowEntries: { type: ['integer', 'null'] },
              controlRate: { type: ['number', 'null'] },
              packetInRate: { type: ['number', 'null'] },
            },
          },
          controllers: { type: ['array', 'null'], items: { type: 'string' } },
          delegate: { type: 'integer' },
        },
      },
      network: {
        type: 'object',
        required: ['name', 'switches', 'links'],
        properties: { name: { type: 'string' }, switches: { type: 'array', items: anyObject }, links: { type: 'array', items: anyObject } },
      },
      source: { type: 'string', description: '.slice text of that network part and the grants in force, to check slices against' },
    },
  },
  {
    $id: 'TokenInfo',
    type: 'object',
    required: ['id', 'owner', 'createdAt'],
    properties: { id: { type: 'string' }, owner: { type: 'string' }, createdAt: { type: 'string' }, revokedAt: { type: 'string' } },
  },
] as const;

const problem = { description: 'an RFC 9457 problem', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } } as const;
/** Problem answers every authenticated route can give. */
const authProblems = { 401: problem, 429: problem } as const;
const json = (schema: object, description: string) => ({ description, ...schema });

const nameParams = { type: 'object', required: ['name'], properties: { name: sliceName } } as const;

export const routes = {
  healthz: {
    summary: 'Liveness (no token)',
    tags: ['runtime'],
    security: [],
    response: { 200: json({ type: 'object', required: ['ok'], properties: { ok: { const: true } } }, 'alive') },
  },
  openapi: {
    summary: 'This OpenAPI document (no token)',
    tags: ['runtime'],
    security: [],
    response: { 200: json(anyObject, 'the OpenAPI 3.1 document') },
  },
  deploy: {
    summary: 'Deploy .slice sources or a compiled plan as one revision',
    tags: ['deploy'],
    querystring: {
      type: 'object',
      properties: {
        dryRun: { type: 'boolean' },
        prune: { type: 'boolean' },
        slices: { type: 'string', description: 'comma-separated slice names' },
        force: { type: 'boolean', description: 'admin: a grant change undeploys the deployed slices that no longer fit (audited)' },
        removeGrants: {
          type: 'boolean',
          description:
            'admin: no grants are in force after this deploy (the submission may not carry grant blocks); tenants are then bound by none',
        },
      },
    },
    body: { $ref: 'DeployRequest#' },
    response: {
      200: json({ $ref: 'DeployResult#' }, 'deployed (or dry run)'),
      400: problem,
      ...authProblems,
      403: problem,
      409: problem,
      413: problem,
      415: problem,
      422: problem,
      502: problem,
      503: problem,
    },
  },
  slices: {
    summary: 'Deployed slices (tenants: their own)',
    tags: ['slices'],
    response: {
      200: json(
        { type: 'object', required: ['slices'], properties: { slices: { type: 'array', items: { $ref: 'SliceSummary#' } } } },
        'slices',
      ),
      ...authProblems,
    },
  },
  slice: {
    summary: 'One slice with view, flowspace, qos and limits',
    tags: ['slices'],
    params: nameParams,
    response: { 200: json({ $ref: 'SliceDetail#' }, 'the slice'), ...authProblems, 404: problem },
  },
  undeploy: {
    summary: 'Remove a slice (a new revision)',
    tags: ['deploy'],
    params: nameParams,
    response: {
      200: json({ $ref: 'DeployResult#' }, 'undeployed'),
      ...authProblems,
      404: problem,
      409: problem,
      422: problem,
      502: problem,
      503: problem,
    },
  },
  sliceFlows: {
    summary: 'Which switch rules each tenant rule of the slice became (switches this node masters)',
    tags: ['slices'],
    params: nameParams,
    response: {
      200: json(
        {
          type: 'object',
          required: ['slice', 'node', 'switches', 'elsewhere'],
          properties: {
            slice: { type: 'string' },
            node: { type: 'string', description: 'the node that answered' },
            switches: {
              type: 'array',
              items: {
                type: 'object',
                required: ['dpid', 'statsAt', 'rules'],
                properties: {
                  dpid: { type: 'string' },
                  statsAt: { type: ['string', 'null'], format: 'date-time', description: 'when the switch rules were read' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['tenant', 'switch'],
                      properties: {
                        tenant: {
                          type: 'object',
                          required: ['cookie', 'priority', 'match', 'instructions', 'deleted'],
                          properties: {
                            cookie: { type: 'string', description: "the tenant's cookie (hex)" },
                            priority: { type: 'integer' },
                            match: anyObject,
                            instructions: { type: 'array', items: anyObject },
                            deleted: { type: 'boolean', description: 'deleted by the tenant, waiting for the switch to remove it' },
                          },
                        },
                        switch: {
                          type: 'object',
                          required: ['cookie', 'expected', 'rules'],
                          properties: {
                            cookie: { type: 'string', description: "the proxy's cookie on the switch (hex)" },
                            expected: { type: 'integer', description: 'physical rules the proxy installed for it' },
                            rules: {
                              type: 'array',
                              items: {
                                type: 'object',
                                required: ['priority', 'match', 'instructions', 'packets', 'bytes'],
                                properties: {
                                  priority: { type: 'integer' },
                                  match: anyObject,
                                  instructions: { type: 'array', items: anyObject },
                                  packets: { type: 'integer' },
                                  bytes: { type: 'integer' },
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            elsewhere: { ...strings, description: "the slice's switches this node does not master (ask their master node)" },
          },
        },
        'tenant rules with their switch rules',
      ),
      ...authProblems,
      404: problem,
    },
  },
  sources: {
    summary: 'The deployed files, verbatim where the revision holds them whole (tenants: their own slices only)',
    tags: ['deploy'],
    response: {
      200: json(
        {
          type: 'object',
          required: ['revision', 'files'],
          properties: {
            revision: { type: 'integer' },
            files: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'text'],
                properties: {
                  path: { type: 'string' },
                  text: { type: 'string' },
                  verbatim: {
                    type: 'boolean',
                    description: 'true: the file as deployed, byte for byte; false: its stored blocks grouped again',
                  },
                },
              },
            },
          },
        },
        'the active revision’s files',
      ),
      ...authProblems,
    },
  },
  pause: pauseRoute(
    'Pause a slice: its controller connections close and stay closed; ids and revision stay, its tenant rules too unless rules=remove',
    true,
  ),
  resume: pauseRoute('Resume a paused slice: its controller connections open again', false),
  sliceVirtualLinks: {
    summary: "A slice's virtual links across the managed core: path in use, state and counters (switches this node masters)",
    tags: ['slices'],
    params: nameParams,
    response: {
      200: json(
        {
          type: 'object',
          required: ['slice', 'node', 'virtualLinks'],
          properties: {
            slice: { type: 'string' },
            node: { type: 'string', description: 'the node that answered' },
            virtualLinks: {
              type: 'array',
              items: { $ref: 'VirtualLink#' },
            },
          },
        },
        'virtual links',
      ),
      ...authProblems,
      404: problem,
    },
  },
  sliceStats: {
    summary: "A slice's pushed counters",
    tags: ['slices'],
    params: nameParams,
    response: { 200: json({ $ref: 'SliceStats#' }, 'per-slice counters summed over nodes'), ...authProblems, 404: problem },
  },
  revisions: {
    summary: 'Revision history, oldest first (tenants: their slices, and `by` only for their own revisions)',
    tags: ['deploy'],
    response: {
      200: json(
        {
          type: 'object',
          required: ['active', 'revisions'],
          properties: { active: { type: 'integer' }, revisions: { type: 'array', items: { $ref: 'RevisionInfo#' } } },
        },
        'revisions',
      ),
      ...authProblems,
    },
  },
  rollback: {
    summary: "Deploy an earlier revision's content again (admin)",
    tags: ['deploy'],
    params: { type: 'object', required: ['rev'], properties: { rev: { type: 'integer', minimum: 1 } } },
    response: {
      200: json({ $ref: 'DeployResult#' }, 'rolled back'),
      ...authProblems,
      403: problem,
      404: problem,
      409: problem,
      502: problem,
      503: problem,
    },
  },
  grantsMine: {
    summary: "The caller's grant in force and the part of the network it may use (tenants)",
    tags: ['grants'],
    response: { 200: json({ $ref: 'GrantView#' }, 'the grant'), ...authProblems, 404: problem },
  },
  status: {
    summary: 'Nodes, switches and controller connections (tenants: their switches and slices)',
    tags: ['runtime'],
    response: { 200: json({ $ref: 'RuntimeStatus#' }, 'status'), ...authProblems },
  },
  topology: {
    summary:
      'Deployed switches and links (tenants: those their slices see); admin: refused switches and declared vs discovered (`discovery`)',
    tags: ['runtime'],
    response: { 200: json({ $ref: 'Topology#' }, 'switches and links'), ...authProblems },
  },
  events: {
    summary: 'Server-Sent Events: deploy-progress, revision, stats (tenants: only events of their slices)',
    tags: ['runtime'],
    response: {
      200: { description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      ...authProblems,
    },
  },
  audit: {
    summary: 'Recent audit entries (admin)',
    tags: ['admin'],
    querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } } },
    response: {
      200: json(
        { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: { $ref: 'AuditEntry#' } } } },
        'audit entries',
      ),
      ...authProblems,
      403: problem,
    },
  },
  createToken: {
    summary: 'Issue a tenant token (admin); the token is shown once',
    tags: ['admin'],
    body: {
      type: 'object',
      required: ['owner'],
      additionalProperties: false,
      properties: { owner: { type: 'string', minLength: 1, maxLength: 320 } },
    },
    response: {
      201: json(
        {
          type: 'object',
          required: ['token', 'id', 'owner', 'createdAt'],
          properties: { token: { type: 'string' }, id: { type: 'string' }, owner: { type: 'string' }, createdAt: { type: 'string' } },
        },
        'the new token',
      ),
      400: problem,
      ...authProblems,
      403: problem,
    },
  },
  tokens: {
    summary: 'Tenant tokens without secrets (admin)',
    tags: ['admin'],
    response: {
      200: json(
        { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: { $ref: 'TokenInfo#' } } } },
        'tokens',
      ),
      ...authProblems,
      403: problem,
    },
  },
  revokeToken: {
    summary: 'Revoke a tenant token (admin); its event streams close',
    tags: ['admin'],
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z0-9]{8,32}$' } } },
    response: {
      200: json({ type: 'object', required: ['revoked'], properties: { revoked: { type: 'string' } } }, 'revoked'),
      ...authProblems,
      403: problem,
      404: problem,
    },
  },
  metrics: {
    summary: "Prometheus text exposition (tenants: only their slices' series)",
    tags: ['runtime'],
    response: {
      200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
      ...authProblems,
    },
  },
} as const;
