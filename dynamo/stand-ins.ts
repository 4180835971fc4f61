/** A node a request goes to; `hint` names the owner it stands in for. */
export interface Target {
  node: string;
  hint?: string;
}

/**
 * Calls every target; each one that fails is replaced by the next spare,
 * standing in for the same owner (sloppy quorum's answer to a detector that
 * has not yet noticed a failure). `done` resolves once `needed` calls have
 * succeeded, or none is running and no spare is left, with the successes at
 * that moment; `all` once every call has settled. The other calls go on.
 */
export function withStandIns(
  targets: readonly Target[],
  spares: string[],
  needed: number,
  call: (target: Target) => Promise<void>,
): { done: Promise<number>; all: Promise<void> } {
  let ok = 0;
  let running = 0;
  let settle!: () => void;
  const all = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const done = new Promise<number>((resolve) => {
    const check = () => {
      if (ok >= needed || running === 0) resolve(ok);
      if (running === 0) settle();
    };
    const launch = (target: Target) => {
      running++;
      call(target).then(
        () => {
          ok++;
          running--;
          check();
        },
        () => {
          running--;
          const spare = ok < needed ? spares.shift() : undefined;
          if (spare) launch({ node: spare, hint: target.hint ?? target.node });
          check();
        },
      );
    };
    for (const target of targets) launch(target);
    check();
  });
  return { done, all };
}
