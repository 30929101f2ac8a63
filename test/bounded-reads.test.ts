/** The bound on reads that cost the engine a query (services/bounded-reads.ts), alone. */
import { describe, expect, it } from 'vitest';
import { boundedReads } from '../src/services/bounded-reads';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An engine stand-in that counts what it was asked and answers when told. */
function askable() {
  const asked: number[] = [];
  const pending: { key: number; answer: (v: string) => void; fail: (e: Error) => void }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const ask = (key: number) => () =>
    new Promise<string>((resolve, reject) => {
      asked.push(key);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      const done = () => running--;
      pending.push({
        key,
        answer: (v) => (done(), resolve(v)),
        fail: (e) => (done(), reject(e)),
      });
    });
  return { asked, pending, ask, mostAtOnce: () => mostAtOnce };
}

const busy = () => new Error('busy');

describe('bounded reads', () => {
  it('asks once for callers asking at once, and reuses the answer while fresh', async () => {
    const reads = boundedReads<number, string>({ freshForMs: 80, maxInFlight: 4, waitMs: 1_000, onBusy: busy });
    const engine = askable();
    const answers = Array.from({ length: 10 }, () => reads.read(7, engine.ask(7)));
    await later(5);
    expect(engine.asked).toEqual([7]);
    engine.pending[0]!.answer('clocks of 7');
    expect(await Promise.all(answers)).toEqual(Array(10).fill('clocks of 7'));
    expect(await reads.read(7, engine.ask(7))).toBe('clocks of 7');
    expect(engine.asked).toEqual([7]);
    await later(120);
    const again = reads.read(7, engine.ask(7));
    await later(5);
    expect(engine.asked).toEqual([7, 7]);
    engine.pending[1]!.answer('newer clocks of 7');
    expect(await again).toBe('newer clocks of 7');
  });

  it('asks again after forget (a change sent from here), and never keeps a failure', async () => {
    const reads = boundedReads<number, string>({ freshForMs: 10_000, maxInFlight: 4, waitMs: 1_000, onBusy: busy });
    const engine = askable();
    const first = reads.read(1, engine.ask(1));
    await later(1);
    engine.pending[0]!.answer('before');
    expect(await first).toBe('before');
    reads.forget(1);
    const second = reads.read(1, engine.ask(1));
    await later(1);
    engine.pending[1]!.fail(new Error('engine away'));
    await expect(second).rejects.toThrow('engine away');
    const third = reads.read(1, engine.ask(1));
    await later(1);
    expect(engine.asked).toEqual([1, 1, 1]);
    engine.pending[2]!.answer('after');
    expect(await third).toBe('after');
  });

  it('holds at most maxInFlight queries; the others wait for a place, and past waitMs are refused', async () => {
    const reads = boundedReads<number, string>({ freshForMs: 10_000, maxInFlight: 2, waitMs: 60, onBusy: busy });
    const engine = askable();
    const outcomes = [1, 2, 3, 4].map((key) =>
      reads.read(key, engine.ask(key)).then(
        (value) => ({ value }),
        (error: Error) => ({ error: error.message }),
      ),
    );
    await later(5);
    expect(engine.asked).toEqual([1, 2]);
    expect(reads.load()).toMatchObject({ inFlight: 2, waiting: 2 });
    // One place frees: the first waiting read takes it.
    engine.pending[0]!.answer('one');
    await later(5);
    expect(engine.asked).toEqual([1, 2, 3]);
    // Nothing frees for longer than waitMs: the last is refused, and asked nothing.
    await later(100);
    expect(await outcomes[3]).toEqual({ error: 'busy' });
    expect(reads.load()).toMatchObject({ inFlight: 2, waiting: 0 });
    engine.pending[1]!.answer('two');
    engine.pending[2]!.answer('three');
    expect(await Promise.all(outcomes.slice(0, 3))).toEqual([{ value: 'one' }, { value: 'two' }, { value: 'three' }]);
    expect(engine.asked).toEqual([1, 2, 3]);
    expect(engine.mostAtOnce()).toBe(2);
    expect(reads.load().inFlight).toBe(0);
    // A refused key is not kept: asked again, it is read.
    const retried = reads.read(4, engine.ask(4));
    await later(1);
    engine.pending[3]!.answer('four');
    expect(await retried).toBe('four');
  });
});
