import { type EDNVal, toEDNString } from 'edn-data';
import type { Op } from '../core/history.ts';

/**
 * A history as Jepsen writes `history.edn`: one op map per line, keywords
 * for type, f and process "nemesis", so that Elle (list-append: micro-ops
 * `[:append k v]` / `[:r k [...]]`) or Knossos can check the same run.
 * An op on a key (register, set, KV) carries `[key value]` as its value,
 * the tuple of `jepsen.independent`; the key also stays in `:key`.
 */
export function toEdnLines(history: readonly Op[]): string[] {
  return history.map((op) => toEDNString(opToEdn(op)));
}

function opToEdn(op: Op): EDNVal {
  const entries: [EDNVal, EDNVal][] = [
    [kw('index'), op.index],
    [kw('time'), op.time],
    [kw('type'), kw(op.type)],
    [kw('process'), op.process === 'nemesis' ? kw('nemesis') : op.process],
    [kw('f'), kw(op.f)],
    [kw('value'), ednValueOf(op)],
  ];
  if (op.key !== undefined) entries.push([kw('key'), op.key]);
  if (op.node !== undefined) entries.push([kw('node'), op.node]);
  if (op.error !== undefined) entries.push([kw('error'), op.error]);
  if (op.final !== undefined) entries.push([kw('final'), kw(op.final)]);
  if (op.siblings) entries.push([kw('siblings'), true]);
  return { map: entries };
}

function ednValueOf(op: Op): EDNVal {
  if (op.f === 'txn' && Array.isArray(op.value)) {
    return op.value.map((micro) => {
      const [f, key, value] = micro as [string, unknown, unknown];
      return [kw(f), plain(key), plain(value)];
    });
  }
  if (op.key !== undefined && op.process !== 'nemesis') return [op.key, plain(op.value)];
  return plain(op.value);
}

/** JSON data as EDN: null → nil, arrays → vectors, objects → maps with keyword keys. */
function plain(value: unknown): EDNVal {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    return {
      map: Object.entries(value).map(([k, v]): [EDNVal, EDNVal] => [
        KEYWORD.test(k) ? kw(k) : k,
        plain(v),
      ]),
    };
  }
  return value as EDNVal;
}

/** Map keys that can be EDN keywords; others stay strings. */
const KEYWORD = /^[A-Za-z*!_?<>=][\w*+!\-?<>=.]*$/;

function kw(name: string): EDNVal {
  return { key: name };
}
