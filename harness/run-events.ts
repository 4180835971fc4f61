/**
 * What a run tells whoever started it while it goes (the dashboard streams
 * these as Server-Sent Events; the CLI prints its log lines). Plain data,
 * so it crosses a process or a network as it is.
 */
export type RunPhase = 'provision' | 'load' | 'run' | 'heal' | 'final' | 'check';

export type RunEvent =
  | { type: 'started'; id: string; systems: string[]; workloads: string[] }
  | { type: 'phase'; system: string; workload: string; configuration: string; phase: RunPhase }
  | {
      type: 'progress';
      system: string;
      elapsedS: number;
      totalS: number;
      opsPerS: number;
      ok: number;
      fail: number;
      info: number;
      /** The fault in effect (`partition-isolate n2`), or null. */
      fault: string | null;
    }
  | { type: 'checker'; system: string; checker: string; index: number; total: number }
  | { type: 'log'; line: string }
  | { type: 'finished'; id: string; status: 'complete' | 'incomplete'; exitCode: number };
