import { describe, expect, it } from 'vitest';
import type { Op } from '../../../core/history.ts';
import { seededRng } from '../../../core/rng.ts';
import { history } from '../../../test/histories.ts';
import { checkLinearizable } from './index.ts';
import { casRegister, type LinOp } from './models.ts';

type Step = Parameters<typeof history>[number];

/** A compact history: [process, type, f, value] in order, time = position. */
function h(...steps: [number, 'invoke' | 'ok' | 'fail' | 'info', string, unknown][]): Op[] {
  return history(
    ...steps.map(([process, type, f, value]): Step => ({ process, type, f, key: 'x', value })),
  );
}

describe('linearizability: known verdicts (register)', () => {
  it('a sequential write then read of it is linearizable', () => {
    const result = checkLinearizable(
      h(
        [0, 'invoke', 'write', 1],
        [0, 'ok', 'write', 1],
        [1, 'invoke', 'read', null],
        [1, 'ok', 'read', 1],
      ),
    );
    expect(result.valid).toBe(true);
  });

  it('a read after a completed write that misses it is a stale read', () => {
    const result = checkLinearizable(
      h(
        [0, 'invoke', 'write', 1],
        [0, 'ok', 'write', 1],
        [1, 'invoke', 'read', null],
        [1, 'ok', 'read', null],
      ),
    );
    expect(result.valid).toBe(false);
    const failure = (
      result.failures as {
        counterexample: { stuck: { f: string; returned: unknown }; state: string };
      }[]
    )[0]!;
    expect(failure.counterexample.stuck).toMatchObject({ f: 'read', returned: null });
    expect(failure.counterexample.state).toBe('1');
  });

  it('a read concurrent with a write may see either value', () => {
    for (const seen of [null, 1]) {
      const result = checkLinearizable(
        h(
          [0, 'invoke', 'write', 1],
          [1, 'invoke', 'read', null],
          [1, 'ok', 'read', seen],
          [0, 'ok', 'write', 1],
        ),
      );
      expect(result.valid).toBe(true);
    }
  });

  it('new then old: once a read saw 2, a later read cannot see 1 again', () => {
    const ops = h(
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [0, 'invoke', 'write', 2],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 2],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 1],
      [0, 'ok', 'write', 2],
    );
    expect(checkLinearizable(ops).valid).toBe(false);
  });

  it('two concurrent writes, then reads agreeing on the later one: linearizable', () => {
    const ops = h(
      [0, 'invoke', 'write', 1],
      [1, 'invoke', 'write', 2],
      [0, 'ok', 'write', 1],
      [1, 'ok', 'write', 2],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 1],
      [3, 'invoke', 'read', null],
      [3, 'ok', 'read', 1],
    );
    expect(checkLinearizable(ops).valid).toBe(true);
  });

  it('an info write may take effect late, or never, but not twice', () => {
    const late = h(
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
    );
    expect(checkLinearizable(late).valid).toBe(true);
    const never = h(
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    );
    expect(checkLinearizable(never).valid).toBe(true);
    const flapping = h(
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    );
    expect(checkLinearizable(flapping).valid).toBe(false);
  });

  it('a failed write never happened', () => {
    const ops = h(
      [0, 'invoke', 'write', 1],
      [0, 'fail', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
    );
    expect(checkLinearizable(ops).valid).toBe(false);
  });

  it('a read of two siblings is not linearizable', () => {
    const ops = history(
      { process: 0, type: 'invoke', f: 'write', key: 'x', value: 1 },
      { process: 1, type: 'invoke', f: 'write', key: 'x', value: 2 },
      { process: 0, type: 'ok', f: 'write', key: 'x', value: 1 },
      { process: 1, type: 'ok', f: 'write', key: 'x', value: 2 },
      { process: 2, type: 'invoke', f: 'read', key: 'x', value: null },
      { process: 2, type: 'ok', f: 'read', key: 'x', value: [1, 2], siblings: true },
    );
    expect(checkLinearizable(ops).valid).toBe(false);
  });

  it('keys are checked apart: a violation on one key does not hide behind another', () => {
    const ops = history(
      { process: 0, type: 'invoke', f: 'write', key: 'a', value: 1 },
      { process: 0, type: 'ok', f: 'write', key: 'a', value: 1 },
      { process: 1, type: 'invoke', f: 'read', key: 'b', value: null },
      { process: 1, type: 'ok', f: 'read', key: 'b', value: null },
      { process: 1, type: 'invoke', f: 'read', key: 'a', value: null },
      { process: 1, type: 'ok', f: 'read', key: 'a', value: 1 },
    );
    expect(checkLinearizable(ops)).toMatchObject({ valid: true, keys: 2 });
  });
});

describe('linearizability: known verdicts (cas-register)', () => {
  it('a cas that succeeded must have found its expected value', () => {
    const ok = h(
      [0, 'invoke', 'write', 0],
      [0, 'ok', 'write', 0],
      [1, 'invoke', 'cas', [0, 1]],
      [1, 'ok', 'cas', [0, 1]],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 1],
    );
    expect(checkLinearizable(ok).valid).toBe(true);
    const bad = h(
      [0, 'invoke', 'write', 0],
      [0, 'ok', 'write', 0],
      [1, 'invoke', 'cas', [5, 1]],
      [1, 'ok', 'cas', [5, 1]],
    );
    expect(checkLinearizable(bad).valid).toBe(false);
  });

  it('two cas ops from the same value cannot both succeed', () => {
    const ops = h(
      [0, 'invoke', 'write', 0],
      [0, 'ok', 'write', 0],
      [1, 'invoke', 'cas', [0, 1]],
      [2, 'invoke', 'cas', [0, 2]],
      [1, 'ok', 'cas', [0, 1]],
      [2, 'ok', 'cas', [0, 2]],
    );
    expect(checkLinearizable(ops).valid).toBe(false);
  });

  it('an info cas may have applied: a later read of its value is fine', () => {
    const ops = h(
      [0, 'invoke', 'write', 0],
      [0, 'ok', 'write', 0],
      [1, 'invoke', 'cas', [0, 7]],
      [1, 'info', 'cas', [0, 7]],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 7],
    );
    expect(checkLinearizable(ops).valid).toBe(true);
  });

  it('the register model refuses cas ops and says which model knows them', () => {
    const ops = h([1, 'invoke', 'cas', [0, 7]], [1, 'ok', 'cas', [0, 7]]);
    expect(() => checkLinearizable(ops, { model: 'register' })).toThrow(
      /model register does not know/,
    );
  });
});

describe('linearizability: budget', () => {
  it('answers unknown, not a hang, when the time budget runs out', () => {
    // Many concurrent info writes and reads: the search space explodes.
    const steps: [number, 'invoke' | 'ok' | 'fail' | 'info', string, unknown][] = [];
    for (let p = 0; p < 40; p++) steps.push([p, 'invoke', 'write', p]);
    for (let p = 0; p < 40; p++) steps.push([p, 'info', 'write', p]);
    for (let i = 0; i < 40; i++)
      steps.push([100 + i, 'invoke', 'read', null], [100 + i, 'ok', 'read', (i * 7) % 40]);
    const started = Date.now();
    const result = checkLinearizable(h(...steps), { timeLimitMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.valid).toBe('unknown');
    expect(result.unknownKeys).toEqual([{ key: 'x', reason: 'time budget spent', ops: 80 }]);
  });
});

/** Brute force: try every order of the ops that respects real time. */
function bruteForce(ops: LinOp[], model = casRegister): boolean {
  const used = new Array<boolean>(ops.length).fill(false);
  const go = (state: unknown, done: number): boolean => {
    if (done === ops.length) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      // i may go next only if no other pending op completed before i began.
      if (ops.some((o, j) => !used[j] && j !== i && o.ret < ops[i]!.call)) continue;
      const next = model.step(state, ops[i]!);
      if (next === undefined) continue;
      used[i] = true;
      if (go(next, done + 1)) return true;
      used[i] = false;
    }
    // An indefinite op may also never take effect: drop it.
    for (let i = 0; i < ops.length; i++) {
      if (used[i] || !ops[i]!.indefinite) continue;
      used[i] = true;
      if (go(state, done + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return go(null, 0);
}

describe('linearizability: agrees with brute force on random small histories', () => {
  it('1,500 random histories of up to 7 ops, valid and invalid', () => {
    let invalid = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const rng = seededRng(seed);
      const steps: Step[] = [];
      const pending = new Map<number, Step>();
      const count = 2 + Math.floor(rng() * 6);
      let started = 0;
      while (started < count || pending.size > 0) {
        const free = [0, 1, 2].filter((p) => !pending.has(p));
        if (started < count && free.length && (pending.size === 0 || rng() < 0.5)) {
          const p = free[Math.floor(rng() * free.length)]!;
          const r = rng();
          const f = r < 0.4 ? 'read' : r < 0.75 ? 'write' : 'cas';
          const value =
            f === 'read'
              ? null
              : f === 'write'
                ? Math.floor(rng() * 3)
                : [Math.floor(rng() * 3), Math.floor(rng() * 3)];
          const invoke: Step = { process: p, type: 'invoke', f, key: 'x', value };
          steps.push(invoke);
          pending.set(p, invoke);
          started++;
        } else {
          const [p, invoke] = [...pending][Math.floor(rng() * pending.size)]!;
          pending.delete(p);
          const t = rng();
          const type = t < 0.1 ? 'info' : invoke.f === 'cas' && t < 0.3 ? 'fail' : 'ok';
          const value =
            invoke.f === 'read' ? (rng() < 0.25 ? null : Math.floor(rng() * 3)) : invoke.value;
          steps.push({ process: p, type, f: invoke.f, key: 'x', value });
        }
      }
      const ops = history(...steps);
      const result = checkLinearizable(ops, { model: 'cas-register' });
      const linOps = toLinOps(ops);
      const expected = bruteForce(linOps);
      if (result.valid !== expected) {
        throw new Error(
          `seed ${seed}: checker says ${result.valid}, brute force ${expected}\n${ops.map((o) => JSON.stringify(o)).join('\n')}`,
        );
      }
      if (!expected) invalid++;
    }
    // Both verdicts well represented (1,214 invalid with these seeds).
    expect(invalid).toBeGreaterThan(150);
    expect(invalid).toBeLessThan(1350);
  });
});

/** The same op extraction as the checker (fail dropped, info reads dropped, info → ret ∞). */
function toLinOps(ops: Op[]): LinOp[] {
  const out: LinOp[] = [];
  const open = new Map<unknown, Op>();
  const done = new Set<Op>();
  for (const op of ops) {
    if (op.type === 'invoke') {
      open.set(op.process, op);
      continue;
    }
    const invoke = open.get(op.process)!;
    open.delete(op.process);
    done.add(invoke);
    if (op.type === 'fail' || (op.type === 'info' && invoke.f === 'read')) continue;
    const indefinite = op.type === 'info';
    out.push({
      id: out.length,
      process: op.process,
      f: invoke.f,
      input: invoke.value,
      output: indefinite ? undefined : op.value,
      siblings: false,
      indefinite,
      call: invoke.time,
      ret: indefinite ? Infinity : op.time,
      index: invoke.index,
    });
  }
  return out;
}
