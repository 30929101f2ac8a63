/**
 * A progress bar with rate and ETA on stderr, no dependency. On a terminal it redraws one
 * line; elsewhere (CI, a log file) it prints a line every few seconds.
 */
export interface Progress {
  tick(count?: number): void;
  done(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

const BAR_WIDTH = 24;
const PLAIN_EVERY_MS = 5_000;

export const stderrProgress: ProgressFactory = (label, total) => {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let count = 0;
  let lastDraw = 0;
  const draw = (final: boolean) => {
    const now = Date.now();
    if (!final && now - lastDraw < (tty ? 200 : PLAIN_EVERY_MS)) return;
    lastDraw = now;
    const elapsed = (now - started) / 1000;
    const share = total > 0 ? Math.min(1, count / total) : 1;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = rate > 0 ? (total - count) / rate : Number.NaN;
    const filled = Math.round(share * BAR_WIDTH);
    const line =
      `${label.padEnd(22)} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ` +
      `${count}/${total} ${rate.toFixed(1)}/s ${final ? `in ${clock(elapsed)}` : `ETA ${clock(eta)}`}`;
    process.stderr.write(tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  };
  return {
    tick(n = 1) {
      count += n;
      draw(false);
    },
    done() {
      draw(true);
    },
  };
};

export const silentProgress: ProgressFactory = () => ({ tick() {}, done() {} });

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
