/**
 * A BPMN process as a plain graph of flow nodes and sequence flows, for checks that a
 * diagram is whole (every node reachable) and that a recorded path of element ids is one
 * the diagram allows (conformance of `ticket_events` against processes/ticket.bpmn).
 *
 * Pure: no I/O and no dependency on a BPMN library. It reads the object tree that
 * `bpmn-moddle`'s `fromXML` returns through the few properties it needs, or takes a plain
 * `{ nodes, flows }` list.
 */

export interface BpmnNode {
  id: string;
  /** BPMN type, e.g. `bpmn:UserTask`. */
  type: string;
  name?: string;
  /** For a boundary event: the id of the activity it is attached to. */
  attachedTo?: string;
  /** For a boundary event: whether it interrupts the activity (BPMN's default) or runs beside it. */
  cancelActivity?: boolean;
}

export interface BpmnFlow {
  id: string;
  source: string;
  target: string;
}

export interface BpmnGraphInput {
  nodes: readonly BpmnNode[];
  flows: readonly BpmnFlow[];
}

export interface PathOptions {
  /** The path must begin at a start event. */
  fromStart?: boolean;
  /** The path must stop at an end event. */
  toEnd?: boolean;
  /** A step may cross gateways, which nobody records. */
  throughGateways?: boolean;
}

/** One step of a path that the graph does not allow, and why. */
export interface PathViolation {
  /** Index in the path of the step's target (the first id is index 0). */
  index: number;
  from?: string;
  to: string;
  reason: string;
}

/** The parts of a bpmn-moddle element this module reads. */
export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  $instanceOf?: (type: string) => boolean;
  flowElements?: ModdleElement[];
  sourceRef?: { id?: string };
  targetRef?: { id?: string };
  attachedToRef?: { id?: string };
  cancelActivity?: boolean;
  bpmnElement?: { id?: string };
  plane?: ModdleElement;
  planeElement?: ModdleElement[];
}

/** The parts of bpmn-moddle's `definitions` (the `rootElement` of `fromXML`) this module reads. */
export interface ModdleDefinitions {
  rootElements?: ModdleElement[];
  diagrams?: ModdleElement[];
}

/** Flow element types that are not flow nodes, for elements without `$instanceOf`. */
const NON_NODE_TYPES = new Set([
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

function isFlowNode(element: ModdleElement): boolean {
  if (typeof element.$instanceOf === 'function') return element.$instanceOf('bpmn:FlowNode');
  return !NON_NODE_TYPES.has(element.$type);
}

function isProcess(element: ModdleElement): boolean {
  if (typeof element.$instanceOf === 'function') return element.$instanceOf('bpmn:Process');
  return element.$type === 'bpmn:Process';
}

/** The processes of parsed definitions, by id. */
export function processIds(definitions: ModdleDefinitions): string[] {
  return (definitions.rootElements ?? []).filter(isProcess).map((p) => p.id ?? '');
}

/**
 * Nodes and flows of one process of parsed definitions (the first process when no id is
 * given). Only the process's own level is read: sub-process contents are not flattened.
 */
export function graphInputFromDefinitions(definitions: ModdleDefinitions, processId?: string): BpmnGraphInput {
  const processes = (definitions.rootElements ?? []).filter(isProcess);
  const process = processId === undefined ? processes[0] : processes.find((p) => p.id === processId);
  if (!process) {
    throw new Error(
      processId === undefined
        ? 'the definitions hold no process'
        : `no process "${processId}" (found: ${processes.map((p) => p.id).join(', ') || 'none'})`,
    );
  }
  const nodes: BpmnNode[] = [];
  const flows: BpmnFlow[] = [];
  for (const element of process.flowElements ?? []) {
    if (element.$type === 'bpmn:SequenceFlow') {
      flows.push({
        id: element.id ?? '',
        source: element.sourceRef?.id ?? '',
        target: element.targetRef?.id ?? '',
      });
    } else if (isFlowNode(element)) {
      const node: BpmnNode = { id: element.id ?? '', type: element.$type };
      if (element.name !== undefined) node.name = element.name;
      if (element.attachedToRef?.id !== undefined) {
        node.attachedTo = element.attachedToRef.id;
        node.cancelActivity = element.cancelActivity !== false;
      }
      nodes.push(node);
    }
  }
  return { nodes, flows };
}

/** Ids of the model elements that have a shape or an edge in any diagram of the definitions. */
export function diagramElementIds(definitions: ModdleDefinitions): Set<string> {
  const ids = new Set<string>();
  for (const diagram of definitions.diagrams ?? []) {
    for (const element of diagram.plane?.planeElement ?? []) {
      const id = element.bpmnElement?.id;
      if (id !== undefined) ids.add(id);
    }
  }
  return ids;
}

export class BpmnGraph {
  readonly nodes: ReadonlyMap<string, BpmnNode>;
  readonly flows: readonly BpmnFlow[];
  /** Node id → ids one step further: targets of its outgoing flows and its boundary events. */
  private readonly next = new Map<string, Set<string>>();

  constructor(input: BpmnGraphInput) {
    const nodes = new Map<string, BpmnNode>();
    for (const node of input.nodes) {
      if (nodes.has(node.id)) throw new Error(`duplicate flow node id "${node.id}"`);
      nodes.set(node.id, node);
      this.next.set(node.id, new Set());
    }
    this.nodes = nodes;
    this.flows = [...input.flows];
    for (const flow of this.flows) {
      for (const end of [flow.source, flow.target]) {
        if (!nodes.has(end)) throw new Error(`sequence flow "${flow.id}" refers to unknown node "${end}"`);
      }
      this.next.get(flow.source)!.add(flow.target);
    }
    for (const node of nodes.values()) {
      if (node.attachedTo === undefined) continue;
      if (!nodes.has(node.attachedTo)) {
        throw new Error(`boundary event "${node.id}" is attached to unknown node "${node.attachedTo}"`);
      }
      this.next.get(node.attachedTo)!.add(node.id);
    }
  }

  /** Reads one process of bpmn-moddle definitions (the first when no id is given). */
  static fromDefinitions(definitions: ModdleDefinitions, processId?: string): BpmnGraph {
    return new BpmnGraph(graphInputFromDefinitions(definitions, processId));
  }

  get nodeIds(): string[] {
    return [...this.nodes.keys()];
  }

  hasNode(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Whether a sequence flow goes from `from` to `to`. */
  hasFlow(from: string, to: string): boolean {
    return this.flows.some((flow) => flow.source === from && flow.target === to);
  }

  /** Whether `to` follows `from` in one step: a sequence flow, or `to` is a boundary event on `from`. */
  isStep(from: string, to: string): boolean {
    return this.next.get(from)?.has(to) ?? false;
  }

  /** Whether the node is a gateway (any `bpmn:*Gateway`): a decision, not a step anyone records. */
  isGateway(id: string): boolean {
    return this.nodes.get(id)?.type.endsWith('Gateway') ?? false;
  }

  /**
   * Whether `to` follows `from` in one step or through gateways only: `from` → gateway → …
   * → `to`, as a recorded path sees it (gateways are decided in code and never recorded).
   */
  isStepThroughGateways(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      for (const nextId of this.next.get(id) ?? []) {
        if (nextId === to) return true;
        if (this.isGateway(nextId) && !seen.has(nextId)) {
          seen.add(nextId);
          stack.push(nextId);
        }
      }
    }
    return false;
  }

  /** Ids one step after `id`, see `isStep`. */
  successors(id: string): string[] {
    return [...(this.next.get(id) ?? [])];
  }

  /** Start events: nodes of type `bpmn:StartEvent`. */
  startEvents(): string[] {
    return this.nodeIds.filter((id) => this.nodes.get(id)!.type === 'bpmn:StartEvent');
  }

  /** Nodes that are reached from `from` (the start events by default), those included. */
  reachableFrom(from: readonly string[] = this.startEvents()): Set<string> {
    const seen = new Set<string>();
    const stack = from.filter((id) => this.nodes.has(id));
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const nextId of this.next.get(id) ?? []) if (!seen.has(nextId)) stack.push(nextId);
    }
    return seen;
  }

  /** Nodes that no start event reaches, in document order. */
  unreachable(): string[] {
    const reached = this.reachableFrom();
    return this.nodeIds.filter((id) => !reached.has(id));
  }

  /**
   * The first step of `ids` that the graph does not allow, or undefined when it allows the
   * whole path: every id is a node, and each consecutive pair is a step (`isStep`, or with
   * `throughGateways` `isStepThroughGateways`). With `fromStart` the path must begin at a
   * start event; with `toEnd` it must stop at an end event.
   * An empty path is allowed unless `fromStart` or `toEnd` is set.
   */
  pathViolation(ids: readonly string[], options: PathOptions = {}): PathViolation | undefined {
    if (ids.length === 0) {
      return options.fromStart || options.toEnd ? { index: 0, to: '', reason: 'the path is empty' } : undefined;
    }
    for (let index = 0; index < ids.length; index++) {
      const to = ids[index]!;
      if (!this.nodes.has(to)) return { index, to, reason: `"${to}" is not a flow node of the process` };
      if (index === 0) {
        if (options.fromStart && this.nodes.get(to)!.type !== 'bpmn:StartEvent') {
          return { index, to, reason: `the path starts at "${to}", not at a start event` };
        }
        continue;
      }
      const from = ids[index - 1]!;
      if (options.throughGateways ? !this.isStepThroughGateways(from, to) : !this.isStep(from, to)) {
        const via = options.throughGateways ? ' (through gateways only)' : '';
        return {
          index,
          from,
          to,
          reason: `no sequence flow or boundary attachment leads from "${from}" to "${to}"${via}`,
        };
      }
    }
    const last = ids[ids.length - 1]!;
    if (options.toEnd && this.nodes.get(last)!.type !== 'bpmn:EndEvent') {
      return { index: ids.length - 1, to: last, reason: `the path stops at "${last}", not at an end event` };
    }
    return undefined;
  }

  /**
   * For a process whose branches run side by side (non-interrupting boundary events, a node with
   * several outgoing flows), the first recorded id that no run of the process explains, replaying
   * `ids` with tokens. Each id must be:
   * - the start event, first (with `fromStart` the first id must be one);
   * - a boundary event on an activity a token is at: beside it (a new token) or, interrupting,
   *   instead of it (the token moves);
   * - a step (through gateways with `throughGateways`) from where some token is: the token moves,
   *   and one stays behind when its node has several outgoing flows (an implicit parallel split:
   *   conditions and exclusive gateways are not read, so do not replay a diagram that has them);
   * - or where a token already is (the same step again).
   */
  replayViolation(
    ids: readonly string[],
    options: Pick<PathOptions, 'fromStart' | 'throughGateways'> = {},
  ): PathViolation | undefined {
    const tokens: string[] = [];
    const follows = (from: string, to: string) =>
      options.throughGateways ? this.isStepThroughGateways(from, to) : this.isStep(from, to);
    const outgoing = (id: string) => this.flows.filter((flow) => flow.source === id).length;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      const node = this.nodes.get(id);
      if (!node) return { index, to: id, reason: `"${id}" is not a flow node of the process` };
      if (index === 0 && options.fromStart && node.type !== 'bpmn:StartEvent')
        return { index, to: id, reason: `the run starts at "${id}", not at a start event` };
      if (tokens.includes(id)) continue;
      if (node.type === 'bpmn:StartEvent') {
        if (index > 0) return { index, to: id, reason: `start event "${id}" after the run began` };
        tokens.push(id);
        continue;
      }
      if (node.attachedTo !== undefined) {
        const host = tokens.indexOf(node.attachedTo);
        if (host < 0)
          return {
            index,
            to: id,
            reason: `boundary event "${id}" while no token is at "${node.attachedTo}" (tokens at ${tokens.join(', ') || 'nothing'})`,
          };
        if (node.cancelActivity === false) tokens.push(id);
        else tokens[host] = id;
        continue;
      }
      const from = tokens.findIndex((token) => follows(token, id));
      if (from < 0)
        return { index, to: id, reason: `no token can step to "${id}" (tokens at ${tokens.join(', ') || 'nothing'})` };
      if (outgoing(tokens[from]!) > 1) tokens.push(id);
      else tokens[from] = id;
    }
    return undefined;
  }

  /** Whether the graph allows the path `ids`; see `pathViolation`. */
  isValidPath(ids: readonly string[], options: PathOptions = {}): boolean {
    return this.pathViolation(ids, options) === undefined;
  }
}
