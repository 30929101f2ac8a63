/** How `npm run eval:classify` prints its figures. */
import type { Evaluation, ReliabilityBin } from '../src/domain/evaluation';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export interface Row {
  title: string;
  cv: Evaluation;
  heldOut: Evaluation;
  ms: number;
}

function confusionTable(result: Evaluation) {
  const categories = result.perCategory.map((c) => c.category);
  console.log(
    `\nconfusion on the held-out half (rows: actual, columns: predicted)\n${''.padEnd(14)}${categories.map((c) => c.slice(0, 6).padStart(7)).join('')}`,
  );
  for (const actual of categories)
    console.log(
      `${actual.padEnd(14)}${categories.map((p) => String(result.confusion[actual]?.[p] ?? 0).padStart(7)).join('')}`,
    );
}

export function printEvaluation(title: string, cv: Evaluation, heldOut: Evaluation) {
  console.log(`\n## ${title}`);
  console.log(`5-fold CV:  accuracy ${pct(cv.accuracy)}, macro-F1 ${cv.macroF1.toFixed(3)} on ${cv.total} tickets`);
  console.log(
    `held out:   accuracy ${pct(heldOut.accuracy)}, macro-F1 ${heldOut.macroF1.toFixed(3)} on ${heldOut.total} tickets\n`,
  );
  console.log('category       CV prec  CV rec  held prec  held rec  held F1  support');
  for (const c of heldOut.perCategory) {
    const inCv = cv.perCategory.find((x) => x.category === c.category);
    console.log(
      `${c.category.padEnd(14)} ${pct(inCv?.precision ?? 0).padStart(7)} ${pct(inCv?.recall ?? 0).padStart(7)} ${pct(c.precision).padStart(10)} ${pct(c.recall).padStart(9)} ${c.f1.toFixed(3).padStart(8)} ${String(c.support).padStart(8)}`,
    );
  }
  confusionTable(heldOut);
}

export function printReliability(title: string, bins: ReliabilityBin[]) {
  console.log(
    `\n## ${title}: stated confidence against the hit rate (held out)\nconfidence    answers  mean conf  right`,
  );
  for (const bin of bins)
    console.log(
      `${`${bin.from.toFixed(2)}–${bin.to.toFixed(2)}`.padEnd(12)} ${String(bin.count).padStart(8)} ${pct(bin.confidence).padStart(10)} ${pct(bin.accuracy).padStart(6)}`,
    );
}

export function printSummary(rows: Row[]) {
  console.log(
    '\n## summary\n                                                     CV acc  CV mF1  held acc  held mF1  min recall',
  );
  for (const { title, cv, heldOut } of rows) {
    const minRecall = Math.min(...heldOut.perCategory.filter((c) => c.support > 0).map((c) => c.recall));
    console.log(
      `${title.slice(0, 52).padEnd(52)} ${pct(cv.accuracy).padStart(7)} ${cv.macroF1.toFixed(3).padStart(7)} ${pct(heldOut.accuracy).padStart(9)} ${heldOut.macroF1.toFixed(3).padStart(9)} ${pct(minRecall).padStart(11)}`,
    );
  }
}
