import { beforeAll, describe, expect, it } from 'vitest';
import {
  BpmnGraph,
  diagramElementIds,
  processIds,
  type ModdleDefinitions,
  type ModdleElement,
} from '../src/domain/bpmn-graph';
import { TICKET_PROCESS_ID, TicketElement, TicketGateway } from '../src/domain/process';
import { overlaps, parseProcessFile, type DiElement, type FlowElement, type ParseResult } from './support/bpmn-files';

const E = TicketElement;
const HAPPY_PATH = [E.received, E.register, E.classify, E.queue, E.accept, E.execute, E.notify, E.survey, E.closed];

let parsed: ParseResult;
let definitions: ModdleDefinitions & ModdleElement;
let graph: BpmnGraph;
let processElement: FlowElement;

beforeAll(async () => {
  parsed = await parseProcessFile('ticket.bpmn');
  definitions = parsed.rootElement;
  graph = BpmnGraph.fromDefinitions(definitions, TICKET_PROCESS_ID);
  processElement = definitions.rootElements!.find((e) => e.id === TICKET_PROCESS_ID) as FlowElement;
});

function planeElements(): DiElement[] {
  return (definitions.diagrams ?? []).flatMap((d) => (d.plane?.planeElement ?? []) as DiElement[]);
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
