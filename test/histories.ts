import type { Op } from '../core/history.ts';

type Step = Omit<Op, 'index' | 'time'> & { time?: number };

/** Builds a history by hand: indexes in order, times 1, 2, 3… unless given. */
export function history(...steps: Step[]): Op[] {
  return steps.map((step, index) => ({ ...step, index, time: step.time ?? index + 1 }) as Op);
}

/** An invoke and its completion for process p. */
export function op(
  process: number,
  f: string,
  key: string,
  invokeValue: unknown,
  type: 'ok' | 'fail' | 'info',
  completeValue: unknown = invokeValue,
  extra: Partial<Op> = {},
): [Step, Step] {
  return [
    { process, type: 'invoke', f, key, value: invokeValue, ...extra },
    { process, type, f, key, value: completeValue, ...extra },
  ];
}
