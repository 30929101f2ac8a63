import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BpmnGraph,
  diagramElementIds,
  processIds,
  type ModdleDefinitions,
  type ModdleElement,
} from '../src/domain/bpmn-graph';
import {
  ESCALATION_PROCESS_ID,
  EscalationElement,
  TICKET_PROCESS_ID,
  TicketElement,
  TicketGateway,
} from '../src/domain/process';

const BPMN_FILE = path.resolve(__dirname, '../processes/ticket.bpmn');

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
type DiElement = ModdleElement & {
  bounds?: Bounds;
  label?: { bounds?: Bounds };
  waypoint?: { x: number; y: number }[];
};
type FlowElement = ModdleElement & {
  documentation?: { text?: string }[];
  cancelActivity?: boolean;
  eventDefinitions?: ModdleElement[];
};
interface ParseResult {
  rootElement: ModdleDefinitions & ModdleElement;
  warnings: { message: string }[];
}
interface BpmnModdleInstance {
  fromXML(xml: string): Promise<ParseResult>;
}

/**
 * bpmn-moddle ships ESM with its typings under a subpath that `moduleResolution: node`
 * does not see, so it is loaded through a dynamic import typed by the few members used here.
 */
async function loadModdle(): Promise<BpmnModdleInstance> {
  type Ctor = new () => BpmnModdleInstance;
  const mod = (await import('bpmn-moddle' as string)) as { BpmnModdle?: Ctor; default?: Ctor };
  // v10 exports the class by name; earlier majors exported it as the default.
  const BpmnModdle = mod.BpmnModdle ?? mod.default;
  if (!BpmnModdle) throw new Error('bpmn-moddle exports no BpmnModdle class');
  return new BpmnModdle();
}

const E = TicketElement;
const HAPPY_PATH = [E.received, E.register, E.classify, E.queue, E.accept, E.execute, E.notify, E.survey, E.closed];

let parsed: ParseResult;
let definitions: ModdleDefinitions & ModdleElement;
let graph: BpmnGraph;
let processElement: FlowElement;

beforeAll(async () => {
  const xml = readFileSync(BPMN_FILE, 'utf8');
  parsed = await (await loadModdle()).fromXML(xml);
  definitions = parsed.rootElement;
  graph = BpmnGraph.fromDefinitions(definitions, TICKET_PROCESS_ID);
  processElement = definitions.rootElements!.find((e) => e.id === TICKET_PROCESS_ID) as FlowElement;
});

function planeElements(): DiElement[] {
  return (definitions.diagrams ?? []).flatMap((d) => (d.plane?.planeElement ?? []) as DiElement[]);
}

function overlaps(a: Bounds, b: Bounds): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('processes/ticket.bpmn', () => {
  it('parses as BPMN 2.0 without import warnings', () => {
    expect(definitions.$type).toBe('bpmn:Definitions');
    expect(parsed.warnings.map((w) => w.message)).toEqual([]);
  });

  it(`holds the one process "${TICKET_PROCESS_ID}", not executable`, () => {
    expect(processIds(definitions)).toEqual([TICKET_PROCESS_ID]);
    expect((processElement as { isExecutable?: boolean }).isExecutable).toBe(false);
  });

  it('has exactly the flow nodes named in TicketElement and TicketGateway, no drift either way', () => {
    const expected = [...Object.values(TicketElement), ...Object.values(TicketGateway)];
    const actual = graph.nodeIds;
    expect(
      expected.filter((id) => !actual.includes(id)),
      'in TicketElement but not in the diagram',
    ).toEqual([]);
    expect(
      actual.filter((id) => !(expected as string[]).includes(id)),
      'in the diagram but not in TicketElement',
    ).toEqual([]);
    expect(actual).toHaveLength(expected.length);
  });

  it('gives each element the BPMN type the process asks for', () => {
    const types = Object.fromEntries(graph.nodeIds.map((id) => [id, graph.nodes.get(id)!.type]));
    expect(types).toEqual({
      [E.received]: 'bpmn:StartEvent',
      [E.register]: 'bpmn:ServiceTask',
      [E.classify]: 'bpmn:ServiceTask',
      [E.queue]: 'bpmn:Task',
      [E.accept]: 'bpmn:UserTask',
      [E.execute]: 'bpmn:UserTask',
      [E.waitingForClient]: 'bpmn:ReceiveTask',
      [E.notify]: 'bpmn:SendTask',
      [E.survey]: 'bpmn:ReceiveTask',
      [E.surveyExpired]: 'bpmn:BoundaryEvent',
      [E.reopen]: 'bpmn:BoundaryEvent',
      [TicketGateway.surveyOutcome]: 'bpmn:ExclusiveGateway',
      [E.handleComplaint]: 'bpmn:UserTask',
      [E.closed]: 'bpmn:EndEvent',
    });
    const element = (id: string) => (processElement.flowElements ?? []).find((e) => e.id === id) as FlowElement;
    expect(graph.nodes.get(E.surveyExpired)!.attachedTo).toBe(E.survey);
    expect(element(E.surveyExpired).cancelActivity).toBe(true);
    expect(element(E.surveyExpired).eventDefinitions?.map((d) => d.$type)).toEqual(['bpmn:TimerEventDefinition']);
    expect(graph.nodes.get(E.reopen)!.attachedTo).toBe(E.survey);
    expect(element(E.reopen).cancelActivity).toBe(true);
    expect(element(E.reopen).eventDefinitions?.map((d) => d.$type)).toEqual(['bpmn:MessageEventDefinition']);
  });

  it('decides the complaint at one gateway whose default closes the ticket', () => {
    expect(graph.nodeIds.filter((id) => graph.isGateway(id))).toEqual([TicketGateway.surveyOutcome]);
    const gateway = (processElement.flowElements ?? []).find(
      (e) => e.id === TicketGateway.surveyOutcome,
    ) as FlowElement & { default?: { id?: string } };
    expect(gateway.default?.id).toBe(`flow_${TicketGateway.surveyOutcome}_${E.closed}`);
    expect(graph.successors(TicketGateway.surveyOutcome).sort()).toEqual([E.closed, E.handleComplaint].sort());
    expect(graph.successors(E.reopen)).toEqual([E.execute]);
  });

  it('names every flow node "Russian / English" and documents it in both languages', () => {
    for (const element of processElement.flowElements ?? []) {
      if (element.$type === 'bpmn:SequenceFlow') continue;
      const el = element as FlowElement;
      expect(el.name, el.id).toMatch(/^[^/]*\p{Script=Cyrillic}[^/]* \/ [A-Za-z][^/]*$/u);
      const doc = (el.documentation ?? []).map((d) => d.text ?? '').join('\n');
      expect(doc, `${el.id} documentation in Russian`).toMatch(/\p{Script=Cyrillic}{4,}/u);
      expect(doc, `${el.id} documentation in English`).toMatch(/\b(the|The) [a-z]+/);
    }
    const processDoc = (processElement.documentation ?? []).map((d) => d.text ?? '').join('\n');
    expect(processDoc).toContain('"Russian / English"');
  });

  it('names every sequence flow flow_<from>_<to>', () => {
    for (const flow of graph.flows) expect(flow.id).toBe(`flow_${flow.source}_${flow.target}`);
  });

  it('connects each consecutive pair of the happy path by a sequence flow, or through the gateway', () => {
    for (let i = 1; i < HAPPY_PATH.length; i++) {
      const [from, to] = [HAPPY_PATH[i - 1]!, HAPPY_PATH[i]!];
      expect(graph.hasFlow(from, to) || graph.isStepThroughGateways(from, to), `${from} → ${to}`).toBe(true);
    }
    expect(graph.hasFlow(E.survey, E.closed)).toBe(false);
    expect(graph.hasFlow(E.surveyExpired, E.closed), `${E.surveyExpired} → ${E.closed}`).toBe(true);
    expect(
      graph.hasFlow(E.execute, E.waitingForClient) && graph.hasFlow(E.waitingForClient, E.execute),
      'the pause goes out of execute and back',
    ).toBe(true);
    // 7 happy-path flows, 2 through the gateway, the timer's, reopen's, the complaint's two, the pause out and back.
    expect(graph.flows).toHaveLength(15);
  });

  it('reaches every node from the start event', () => {
    expect(graph.startEvents()).toEqual([E.received]);
    expect(graph.unreachable()).toEqual([]);
  });

  it('draws every flow node and sequence flow (DI shapes and edges)', () => {
    const drawn = diagramElementIds(definitions);
    const missing = [...graph.nodeIds, ...graph.flows.map((f) => f.id)].filter((id) => !drawn.has(id));
    expect(missing).toEqual([]);
    const elements = planeElements();
    for (const id of graph.nodeIds) {
      const shape = elements.find((e) => e.bpmnElement?.id === id)!;
      expect(shape.$type, id).toBe('bpmndi:BPMNShape');
    }
    for (const flow of graph.flows) {
      const edge = elements.find((e) => e.bpmnElement?.id === flow.id)!;
      expect(edge.$type, flow.id).toBe('bpmndi:BPMNEdge');
      expect(edge.waypoint?.length ?? 0, flow.id).toBeGreaterThanOrEqual(2);
    }
  });

  it('lays the happy path out left to right with no overlapping shapes or labels', () => {
    const elements = planeElements();
    const bounds = (id: string) => elements.find((e) => e.bpmnElement?.id === id)!.bounds!;
    for (let i = 1; i < HAPPY_PATH.length; i++) {
      const prev = bounds(HAPPY_PATH[i - 1]!);
      expect(bounds(HAPPY_PATH[i]!).x, HAPPY_PATH[i]).toBeGreaterThan(prev.x + prev.width);
    }
    const boxes = elements
      .filter((e) => e.$type === 'bpmndi:BPMNShape')
      .flatMap((e) => {
        const id = e.bpmnElement!.id!;
        const list = [{ id, owner: id, box: e.bounds! }];
        if (e.label?.bounds) list.push({ id: `${id} label`, owner: id, box: e.label.bounds });
        return list;
      });
    const host = (id: string) => graph.nodes.get(id)?.attachedTo;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a.owner === b.owner) continue;
        // A boundary event sits on its host's border by definition.
        if (a.id === a.owner && b.id === b.owner && (host(a.id) === b.id || host(b.id) === a.id)) continue;
        expect(overlaps(a.box, b.box), `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
  });

  it('allows the recorded paths of a ticket and rejects others (isValidPath)', () => {
    const recorded = { fromStart: true, toEnd: true, throughGateways: true };
    expect(graph.isValidPath(HAPPY_PATH, recorded)).toBe(true);
    expect(graph.isValidPath(HAPPY_PATH, { fromStart: true, toEnd: true })).toBe(false);
    const expired = [...HAPPY_PATH.slice(0, -1), E.surveyExpired, E.closed];
    expect(graph.isValidPath(expired, { fromStart: true, toEnd: true })).toBe(true);
    const reopened = [...HAPPY_PATH.slice(0, 8), E.reopen, E.execute, E.notify, E.survey, E.handleComplaint, E.closed];
    expect(graph.isValidPath(reopened, recorded)).toBe(true);
    expect(graph.isValidPath([E.notify, E.reopen], recorded)).toBe(false);
    expect(graph.isValidPath([E.survey, E.handleComplaint, E.survey], recorded)).toBe(false);
    expect(graph.isValidPath(HAPPY_PATH.slice(0, 5), { fromStart: true })).toBe(true);
    expect(graph.isValidPath(HAPPY_PATH.slice(0, 5), { fromStart: true, toEnd: true })).toBe(false);
    expect(graph.isValidPath([E.register, E.accept])).toBe(false);
    expect(graph.pathViolation([E.received, E.register, E.accept])).toMatchObject({
      index: 2,
      from: E.register,
      to: E.accept,
    });
    expect(graph.isValidPath([E.received, 'nope'])).toBe(false);
    expect(graph.isValidPath([E.register], { fromStart: true })).toBe(false);
    const paused = [...HAPPY_PATH.slice(0, 6), E.waitingForClient, E.execute, ...HAPPY_PATH.slice(6)];
    expect(graph.isValidPath(paused, recorded)).toBe(true);
  });
});

describe('processes/escalation.bpmn', () => {
  const X = EscalationElement;
  let escalation: ParseResult;
  let defs: ModdleDefinitions & ModdleElement;
  let g: BpmnGraph;
  let process: FlowElement;

  beforeAll(async () => {
    escalation = await (
      await loadModdle()
    ).fromXML(readFileSync(path.resolve(__dirname, '../processes/escalation.bpmn'), 'utf8'));
    defs = escalation.rootElement;
    g = BpmnGraph.fromDefinitions(defs, ESCALATION_PROCESS_ID);
    process = defs.rootElements!.find((e) => e.id === ESCALATION_PROCESS_ID) as FlowElement;
  });

  it(`parses without warnings and holds the one process "${ESCALATION_PROCESS_ID}"`, () => {
    expect(escalation.warnings.map((w) => w.message)).toEqual([]);
    expect(processIds(defs)).toEqual([ESCALATION_PROCESS_ID]);
  });

  it('has exactly the flow nodes named in EscalationElement, and none of the ticket process ids', () => {
    expect([...g.nodeIds].sort()).toEqual([...Object.values(EscalationElement)].sort());
    expect(g.nodeIds.filter((id) => (Object.values(TicketElement) as string[]).includes(id))).toEqual([]);
  });

  it('hangs the warning, the breach and manual escalation on the running clock, none of them stopping it', () => {
    const boundary = (id: string) => (process.flowElements ?? []).find((e) => e.id === id) as FlowElement;
    expect(g.nodes.get(X.warning)!.attachedTo).toBe(X.clock);
    expect(boundary(X.warning).cancelActivity).toBe(false);
    expect(boundary(X.warning).eventDefinitions?.map((d) => d.$type)).toEqual(['bpmn:TimerEventDefinition']);
    expect(g.nodes.get(X.breached)!.attachedTo).toBe(X.clock);
    expect(g.nodes.get(X.breached)!.cancelActivity).toBe(false);
    expect(boundary(X.breached).eventDefinitions?.map((d) => d.$type)).toEqual(['bpmn:TimerEventDefinition']);
    expect(boundary(X.manual).eventDefinitions?.map((d) => d.$type)).toEqual(['bpmn:MessageEventDefinition']);
    expect(g.nodes.get(X.manual)!.cancelActivity).toBe(false);
    const breach = [X.started, X.clock, X.breached, X.level1, X.level2, X.level3, X.escalated];
    expect(g.isValidPath(breach, { fromStart: true, toEnd: true })).toBe(true);
    expect(
      g.isValidPath([X.started, X.clock, X.breached, X.notifyManager, X.managerNotified], {
        fromStart: true,
        toEnd: true,
      }),
    ).toBe(true);
    expect(
      g.isValidPath([X.started, X.clock, X.warning, X.notifyAssignee, X.warned], { fromStart: true, toEnd: true }),
    ).toBe(true);
    expect(g.isValidPath([X.started, X.clock, X.met], { fromStart: true, toEnd: true })).toBe(true);
    expect(
      g.isValidPath([X.started, X.clock, X.manual, X.escalateManually, X.escalatedManually], {
        fromStart: true,
        toEnd: true,
      }),
    ).toBe(true);
  });

  it("replays one target's clock with its branches side by side: warned, breached, escalated and met late", () => {
    // The notices are sent alongside: they may be recorded after the next steps of the clock.
    const late = [
      X.started,
      X.clock,
      X.warning,
      X.breached,
      X.notifyAssignee,
      X.level1,
      X.notifyManager,
      X.warned,
      X.level2,
      X.managerNotified,
      X.level3,
      X.escalated,
      X.met,
    ];
    expect(g.replayViolation(late, { fromStart: true })).toBeUndefined();
    expect(
      g.replayViolation(
        [
          X.started,
          X.clock,
          X.manual,
          X.escalateManually,
          X.warning,
          X.escalatedManually,
          X.notifyAssignee,
          X.warned,
          X.met,
        ],
        { fromStart: true },
      ),
    ).toBeUndefined();
    // A target met at once, its clock restarted by an agreement change (the same step again).
    expect(g.replayViolation([X.started, X.clock, X.clock, X.met], { fromStart: true })).toBeUndefined();
    expect(g.replayViolation([X.started, X.clock, X.level1], { fromStart: true })).toMatchObject({
      index: 2,
      reason: expect.stringMatching(/no token can step to "escalate_level_1"/),
    });
    expect(g.replayViolation([X.started, X.clock, X.met, X.warning], { fromStart: true })).toMatchObject({
      index: 3,
      reason: expect.stringMatching(/no token is at "sla_clock"/),
    });
    expect(g.replayViolation([X.clock, X.met], { fromStart: true })).toMatchObject({ index: 0 });
    expect(g.replayViolation([X.started, X.clock, X.started], { fromStart: true })).toMatchObject({ index: 2 });
  });

  it('names nodes "Russian / English" with documentation in both, flows flow_<from>_<to>', () => {
    for (const element of process.flowElements ?? []) {
      if (element.$type === 'bpmn:SequenceFlow') continue;
      const el = element as FlowElement;
      expect(el.name, el.id).toMatch(/^[^/]*\p{Script=Cyrillic}[^/]* \/ [A-Za-z][^/]*$/u);
      const doc = (el.documentation ?? []).map((d) => d.text ?? '').join('\n');
      expect(doc, el.id).toMatch(/\p{Script=Cyrillic}{4,}/u);
      expect(doc, el.id).toMatch(/\b(the|The) [a-z]+/);
    }
    for (const flow of g.flows) expect(flow.id).toBe(`flow_${flow.source}_${flow.target}`);
  });

  it('reaches every node and draws every node and flow without overlaps', () => {
    expect(g.startEvents()).toEqual([X.started]);
    expect(g.unreachable()).toEqual([]);
    const drawn = diagramElementIds(defs);
    expect([...g.nodeIds, ...g.flows.map((f) => f.id)].filter((id) => !drawn.has(id))).toEqual([]);
    const elements = (defs.diagrams ?? []).flatMap((d) => (d.plane?.planeElement ?? []) as DiElement[]);
    const boxes = elements
      .filter((e) => e.$type === 'bpmndi:BPMNShape')
      .flatMap((e) => {
        const id = e.bpmnElement!.id!;
        return [
          { id, owner: id, box: e.bounds! },
          ...(e.label?.bounds ? [{ id: `${id} label`, owner: id, box: e.label.bounds }] : []),
        ];
      });
    const host = (id: string) => g.nodes.get(id)?.attachedTo;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a.owner === b.owner) continue;
        if (a.id === a.owner && b.id === b.owner && (host(a.id) === b.id || host(b.id) === a.id)) continue;
        expect(overlaps(a.box, b.box), `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
  });
});

describe('BpmnGraph on a plain list', () => {
  const plain = new BpmnGraph({
    nodes: [
      { id: 's', type: 'bpmn:StartEvent' },
      { id: 't', type: 'bpmn:UserTask' },
      { id: 'b', type: 'bpmn:BoundaryEvent', attachedTo: 't' },
      { id: 'e', type: 'bpmn:EndEvent' },
      { id: 'orphan', type: 'bpmn:Task' },
    ],
    flows: [
      { id: 'f1', source: 's', target: 't' },
      { id: 'f2', source: 't', target: 'e' },
      { id: 'f3', source: 'b', target: 'e' },
    ],
  });

  it('counts a boundary event as one step from its host, but not as a flow', () => {
    expect(plain.isStep('t', 'b')).toBe(true);
    expect(plain.hasFlow('t', 'b')).toBe(false);
    expect(plain.isValidPath(['s', 't', 'b', 'e'], { fromStart: true, toEnd: true })).toBe(true);
    expect(plain.isValidPath(['s', 'b'])).toBe(false);
  });

  it('replays an interrupting boundary event instead of its host, a non-interrupting one beside it', () => {
    expect(plain.nodes.get('b')!.cancelActivity).toBeUndefined();
    expect(plain.replayViolation(['s', 't', 'b', 'e'], { fromStart: true })).toBeUndefined();
    expect(plain.replayViolation(['s', 't', 'b', 'e', 'e'])).toBeUndefined();
    const beside = new BpmnGraph({
      nodes: [
        { id: 's', type: 'bpmn:StartEvent' },
        { id: 't', type: 'bpmn:Task' },
        { id: 'b', type: 'bpmn:BoundaryEvent', attachedTo: 't', cancelActivity: false },
        { id: 'i', type: 'bpmn:BoundaryEvent', attachedTo: 't', cancelActivity: true },
        { id: 'e', type: 'bpmn:EndEvent' },
        { id: 'x', type: 'bpmn:EndEvent' },
      ],
      flows: [
        { id: 'f1', source: 's', target: 't' },
        { id: 'f2', source: 't', target: 'e' },
        { id: 'f3', source: 'b', target: 'x' },
        { id: 'f4', source: 'i', target: 'x' },
      ],
    });
    expect(beside.replayViolation(['s', 't', 'b', 'x', 'e'])).toBeUndefined();
    expect(beside.replayViolation(['s', 't', 'i', 'x', 'e'])).toMatchObject({ index: 4, to: 'e' });
  });

  it('finds nodes no start event reaches', () => {
    expect(plain.unreachable()).toEqual(['orphan']);
  });

  it('rejects flows and attachments to unknown nodes', () => {
    expect(
      () => new BpmnGraph({ nodes: [{ id: 'a', type: 'bpmn:Task' }], flows: [{ id: 'f', source: 'a', target: 'x' }] }),
    ).toThrow(/unknown node "x"/);
    expect(
      () => new BpmnGraph({ nodes: [{ id: 'b', type: 'bpmn:BoundaryEvent', attachedTo: 'x' }], flows: [] }),
    ).toThrow(/unknown node "x"/);
  });
});

describe('BpmnGraph through gateways', () => {
  const gated = new BpmnGraph({
    nodes: [
      { id: 'a', type: 'bpmn:UserTask' },
      { id: 'g1', type: 'bpmn:ExclusiveGateway' },
      { id: 'g2', type: 'bpmn:ParallelGateway' },
      { id: 'b', type: 'bpmn:UserTask' },
      { id: 'c', type: 'bpmn:UserTask' },
    ],
    flows: [
      { id: 'f1', source: 'a', target: 'g1' },
      { id: 'f2', source: 'g1', target: 'g2' },
      { id: 'f3', source: 'g2', target: 'b' },
      { id: 'f4', source: 'b', target: 'c' },
    ],
  });

  it('crosses chains of gateways but no task', () => {
    expect(gated.isStepThroughGateways('a', 'b')).toBe(true);
    expect(gated.isStepThroughGateways('a', 'c')).toBe(false);
    expect(gated.isStep('a', 'b')).toBe(false);
    expect(gated.pathViolation(['a', 'b', 'c'], { throughGateways: true })).toBeUndefined();
    expect(gated.pathViolation(['a', 'c'], { throughGateways: true })?.reason).toMatch(/through gateways only/);
  });
});
