/**
 * The live progress line: elapsed time, throughput over the last second,
 * errors so far and the fault in effect. On a terminal it rewrites one line
 * every second; in a log (CI) it prints a line every 5 seconds.
 */
export interface ProgressSample {
  elapsedS: number;
  totalS: number;
  ok: number;
  fail: number;
  info: number;
  fault: string | undefined;
}

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private lastOk = 0;
  private lastAt = 0;
  private ticks = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly sample: () => ProgressSample,
    /** Each second's sample with its throughput, for a listener (the dashboard). */
    private readonly onTick: (sample: ProgressSample & { opsPerS: number }) => void = () => {},
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  start(): void {
    this.lastAt = performance.now();
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.out.write('\n');
  }

  private tick(): void {
    const s = this.sample();
    const now = performance.now();
    const rate = ((s.ok - this.lastOk) * 1000) / Math.max(1, now - this.lastAt);
    this.lastOk = s.ok;
    this.lastAt = now;
    this.ticks++;
    this.onTick({ ...s, opsPerS: Math.round(rate) });
    const line =
      `${this.label} ${Math.floor(s.elapsedS)}s/${s.totalS}s  ${Math.round(rate).toLocaleString('en-US')} ops/s  ` +
      `ok ${s.ok.toLocaleString('en-US')}  errors ${s.fail + s.info} (fail ${s.fail}, info ${s.info})  ` +
      `fault: ${s.fault ?? 'none'}`;
    if (this.tty) this.out.write(`\r\x1b[2K${line}`);
    else if (this.ticks % 5 === 0) this.out.write(`${line}\n`);
  }
}
