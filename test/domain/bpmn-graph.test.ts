import { describe, expect, it } from 'vitest';
import { BpmnGraph } from '../../src/domain/bpmn-graph';

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
