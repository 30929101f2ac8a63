import { beforeAll, describe, expect, it } from 'vitest';
import {
  BpmnGraph,
  diagramElementIds,
  processIds,
  type ModdleDefinitions,
  type ModdleElement,
} from '../src/domain/bpmn-graph';
import { ESCALATION_PROCESS_ID, EscalationElement, TicketElement } from '../src/domain/process';
import { overlaps, parseProcessFile, type DiElement, type FlowElement, type ParseResult } from './support/bpmn-files';

describe('processes/escalation.bpmn', () => {
  const X = EscalationElement;
  let escalation: ParseResult;
  let defs: ModdleDefinitions & ModdleElement;
  let g: BpmnGraph;
  let process: FlowElement;

  beforeAll(async () => {
    escalation = await parseProcessFile('escalation.bpmn');
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
