import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BpmnGraph, processIds, type ModdleDefinitions, type ModdleElement } from '../domain/bpmn-graph';

/** One BPMN process of processes/*.bpmn, as the viewer and the statistics see it. */
export interface ProcessEntry {
  id: string;
  name: string;
  /** The file it comes from, relative to the processes folder. */
  file: string;
  graph: BpmnGraph;
  /** Flow nodes that tickets can be at or pass through: every node but the gateways. */
  recordedElementIds: string[];
}

export interface ProcessCatalog {
  list(): ProcessEntry[];
  find(processId: string): ProcessEntry | undefined;
  /** The whole BPMN file of a process, as written: the viewer draws it as is. */
  xml(processId: string): Promise<string | undefined>;
}

interface BpmnModdle {
  fromXML(xml: string): Promise<{ rootElement: ModdleDefinitions & ModdleElement; warnings: { message: string }[] }>;
}

/**
 * bpmn-moddle ships ESM only; CommonJS reaches it through a dynamic import typed by the
 * one method used here.
 */
export async function loadBpmnModdle(): Promise<BpmnModdle> {
  type Ctor = new () => BpmnModdle;
  const mod = (await import('bpmn-moddle' as string)) as { BpmnModdle?: Ctor; default?: Ctor };
  const BpmnModdleClass = mod.BpmnModdle ?? mod.default;
  if (!BpmnModdleClass) throw new Error('bpmn-moddle exports no BpmnModdle class');
  return new BpmnModdleClass();
}

export const processesDir = path.resolve(__dirname, '..', '..', 'processes');

/** Reads every processes/*.bpmn once, at start: a broken diagram stops the desk rather than the viewer. */
export async function loadProcessCatalog(dir = processesDir): Promise<ProcessCatalog> {
  const moddle = await loadBpmnModdle();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bpmn')).sort();
  const entries: ProcessEntry[] = [];
  for (const file of files) {
    const { rootElement, warnings } = await moddle.fromXML(await readFile(path.join(dir, file), 'utf8'));
    if (warnings.length > 0) throw new Error(`processes/${file}: ${warnings.map((w) => w.message).join('; ')}`);
    for (const id of processIds(rootElement)) {
      const element = rootElement.rootElements!.find((e) => e.id === id)!;
      const graph = BpmnGraph.fromDefinitions(rootElement, id);
      entries.push({
        id,
        name: element.name ?? id,
        file,
        graph,
        recordedElementIds: graph.nodeIds.filter((nodeId) => !graph.isGateway(nodeId)),
      });
    }
  }
  return {
    list: () => entries,
    find: (processId) => entries.find((e) => e.id === processId),
    async xml(processId) {
      const entry = entries.find((e) => e.id === processId);
      return entry ? readFile(path.join(dir, entry.file), 'utf8') : undefined;
    },
  };
}
