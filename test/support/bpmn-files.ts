import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModdleDefinitions, ModdleElement } from '../../src/domain/bpmn-graph';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
export type DiElement = ModdleElement & {
  bounds?: Bounds;
  label?: { bounds?: Bounds };
  waypoint?: { x: number; y: number }[];
};
export type FlowElement = ModdleElement & {
  documentation?: { text?: string }[];
  cancelActivity?: boolean;
  eventDefinitions?: ModdleElement[];
};
export interface ParseResult {
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

/** Parses one of processes/*.bpmn. */
export async function parseProcessFile(name: string): Promise<ParseResult> {
  const xml = readFileSync(path.resolve(__dirname, '../../processes', name), 'utf8');
  return (await loadModdle()).fromXML(xml);
}

export function overlaps(a: Bounds, b: Bounds): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
