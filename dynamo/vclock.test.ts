import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Context,
  clockOf,
  compare,
  contextOf,
  covers,
  EMPTY_CONTEXT,
  joinContexts,
  lastWriteWins,
  merge,
  nextCounter,
  sameVersions,
  type Version,
} from './vclock.ts';

const ctx = (vv: Record<string, number> = {}, dots: [string, number][] = []): Context =>
  dots.length ? { vv, dots: dots.map(([node, counter]) => ({ node, counter })) } : { vv };

const v = (
  value: unknown,
  node: string,
  counter: number,
  context: Context = EMPTY_CONTEXT,
): Version => ({
  value,
  dot: { node, counter },
  context,
});

/** What a coordinator does for a put: next dot, new version, and the writer's new context. */
function put(actor: string, stored: Version[], value: unknown, context: Context = EMPTY_CONTEXT) {
  const version = v(value, actor, nextCounter(actor, stored, context), context);
  return { stored: merge(stored, [version]), session: joinContexts([context], [version.dot]) };
}

/**
 * The definition merge is held to: the union (one version per dot), minus
 * every version whose dot another version's context has seen.
 */
function mergeByDefinition(a: readonly Version[], b: readonly Version[]): Version[] {
  const all: Version[] = [];
  for (const x of [...a, ...b])
    if (!all.some((u) => u.dot.node === x.dot.node && u.dot.counter === x.dot.counter)) all.push(x);
  return all.filter((x) => !all.some((other) => other !== x && covers(other.context, x.dot)));
}

const dotsOf = (versions: readonly Version[]) =>
  versions.map((x) => `${x.dot.node}:${x.dot.counter}`).sort();

describe('vector clocks', () => {
  it('orders clocks', () => {
    expect(compare({ a: 1 }, { a: 2 })).toBe('before');
    expect(compare({ a: 2, b: 1 }, { a: 2 })).toBe('after');
    expect(compare({ a: 1 }, { b: 1 })).toBe('concurrent');
    expect(compare({}, {})).toBe('equal');
  });

  it('keeps concurrent blind writes as siblings, even from the same coordinator', () => {
    const first = v('x', 'n1', 1);
    // Second blind write through n1: a plain clock {n1:2} would dominate {n1:1}.
    const second = v('y', 'n1', nextCounter('n1', [first], EMPTY_CONTEXT));
    expect(second.dot.counter).toBe(2);
    expect(merge([first], [second]).map((s) => s.value)).toEqual(['x', 'y']);
  });

  it('a write with the read context supersedes every sibling it saw', () => {
    const siblings = [v('x', 'n1', 1), v('y', 'n2', 1)];
    const context = contextOf(siblings);
    expect(context).toEqual(ctx({ n1: 1, n2: 1 }));
    const next = v('z', 'n1', nextCounter('n1', siblings, context), context);
    expect(merge(siblings, [next]).map((s) => s.value)).toEqual(['z']);
    expect(clockOf(next)).toEqual({ n1: 2, n2: 1 });
  });

  it('a write that saw only one sibling leaves the other', () => {
    const a = v('x', 'n1', 1);
    const b = v('y', 'n2', 1);
    const c = v('z', 'n3', 1, contextOf([a]));
    expect(
      merge([a, b], [c])
        .map((s) => s.value)
        .sort(),
    ).toEqual(['y', 'z']);
  });

  it('a writer whose session skipped counters does not claim the siblings in the gap', () => {
    // Worker P writes 1 through n2 (n2:1). Workers Q and R write blindly (n2:2, n2:3).
    let s = put('n2', [], 'p1');
    const p = s.session;
    s = put('n2', s.stored, 'q');
    s = put('n2', s.stored, 'r');
    // P writes again with its session: it supersedes its own p1 only.
    s = put('n2', s.stored, 'p2', p);
    expect(s.stored.map((x) => x.value).sort()).toEqual(['p2', 'q', 'r']);
    // P's new session holds n2:1 and n2:4, not the gap n2:2..3 it never saw.
    expect(s.session).toEqual(ctx({ n2: 1 }, [['n2', 4]]));
    expect(covers(s.session, { node: 'n2', counter: 2 })).toBe(false);
    // So P's third write leaves q and r alone.
    s = put('n2', s.stored, 'p3', s.session);
    expect(s.stored.map((x) => x.value).sort()).toEqual(['p3', 'q', 'r']);
  });

  it('folds dots that become contiguous into the vector', () => {
    expect(joinContexts([ctx({ a: 1 }, [['a', 3]])], [{ node: 'a', counter: 2 }])).toEqual(
      ctx({ a: 3 }),
    );
    expect(joinContexts([ctx({ a: 5 }, [['a', 3]])])).toEqual(ctx({ a: 5 }));
  });

  it('merge is commutative, associative and idempotent', () => {
    const a = [v(1, 'n1', 1)];
    const b = [v(2, 'n2', 1)];
    const c = [v(3, 'n3', 1, ctx({ n1: 1 }))];
    expect(sameVersions(merge(a, b), merge(b, a))).toBe(true);
    expect(sameVersions(merge(merge(a, b), c), merge(a, merge(b, c)))).toBe(true);
    expect(sameVersions(merge(a, a), a)).toBe(true);
  });

  it('never reuses a counter that a stored context has seen', () => {
    expect(nextCounter('n1', [v('z', 'n2', 4, ctx({ n1: 7 }))], EMPTY_CONTEXT)).toBe(8);
    expect(nextCounter('n1', [v('z', 'n2', 4, ctx({}, [['n1', 9]]))], EMPTY_CONTEXT)).toBe(10);
    expect(nextCounter('n1', [], ctx({ n1: 3 }))).toBe(4);
  });

  it('last-write-wins keeps the latest timestamp alone, dropping a concurrent write that siblings keep', () => {
    const a = { ...v('a', 'n1#1', 1), ts: 100 };
    const b = { ...v('b', 'n2#1', 1), ts: 101 };
    expect(merge([a], [b]).map((x) => x.value)).toEqual(['a', 'b']);
    expect(lastWriteWins(merge([a], [b])).map((x) => x.value)).toEqual(['b']);
    // Clock skew: a write that saw b, from a node whose clock is behind, loses to b.
    const late = { ...v('c', 'n1#1', 2, contextOf([b])), ts: 50 };
    expect(merge([b], [late]).map((x) => x.value)).toEqual(['c']);
    expect(lastWriteWins([b, late]).map((x) => x.value)).toEqual(['b']);
  });

  it('last-write-wins over merges converges whatever the order replicas exchange versions in', () => {
    // A dot names one write, so it always carries the same timestamp; timestamps tie across dots.
    const version = fc
      .tuple(fc.constantFrom('n1#1', 'n2#1', 'n3#1'), fc.integer({ min: 1, max: 5 }))
      .map(([node, counter]) => ({ ...v(`${node}:${counter}`, node, counter), ts: counter % 3 }));
    fc.assert(
      fc.property(fc.array(version), fc.array(version), fc.array(version), (x, y, z) => {
        const lww = (p: Version[], q: Version[]) => lastWriteWins(merge(p, q));
        expect(lww(x, y)).toEqual(lww(y, x));
        expect(lww(lww(x, y), z)).toEqual(lww(x, lww(y, z)));
        expect(lww(lww(x, y), y)).toEqual(lww(x, y));
      }),
    );
  });

  it('merge of two sibling sets equals the definition over their union', () => {
    // A dot names one write: its context is a function of the dot, and never holds the dot itself.
    const actors = ['n1#1', 'n2#1', 'n3#1'];
    const contextOfDot = (node: string, counter: number, seed: number): Context => {
      const vv: Record<string, number> = {};
      const dots: [string, number][] = [];
      for (const [i, actor] of actors.entries()) {
        const seen = (seed >> (i * 3)) % 6;
        if (actor === node) vv[actor] = Math.min(seen, counter - 1);
        else if (seen > 0) vv[actor] = seen;
      }
      if (seed % 5 === 0) dots.push([node === 'n1#1' ? 'n2#1' : 'n1#1', 8]);
      return ctx(vv, dots);
    };
    const version = fc
      .tuple(fc.constantFrom(...actors), fc.integer({ min: 1, max: 7 }))
      .map(([node, counter]) => {
        const seed = (counter * 7919 + node.charCodeAt(1) * 104729) % 4096;
        return v(`${node}:${counter}`, node, counter, contextOfDot(node, counter, seed));
      });
    // Sibling sets as the store makes them: folds of single versions.
    const siblings = fc
      .array(version, { maxLength: 8 })
      .map((vs) => vs.reduce<Version[]>((set, x) => mergeByDefinition(set, [x]), []));
    fc.assert(
      fc.property(siblings, siblings, (a, b) => {
        expect(dotsOf(merge(a, b))).toEqual(dotsOf(mergeByDefinition(a, b)));
        expect(merge(a, b)).toEqual(merge(b, a));
      }),
      { numRuns: 2000 },
    );
  });
});
