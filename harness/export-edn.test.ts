import { parseEDNString } from 'edn-data';
import { describe, expect, it } from 'vitest';
import { history } from '../test/histories.ts';
import { toEdnLines } from './export-edn.ts';

const parse = (line: string) =>
  parseEDNString(line, { mapAs: 'object', keywordAs: 'string' }) as Record<string, unknown>;

describe('EDN export', () => {
  it('writes one Jepsen op map per line, keyed values as [key value] tuples', () => {
    const lines = toEdnLines(
      history(
        { process: 0, type: 'invoke', f: 'write', key: 'r1', value: 3, node: 'n1' },
        { process: 0, type: 'info', f: 'write', key: 'r1', value: 3, error: 'timeout "t"' },
        {
          process: 'nemesis',
          type: 'info',
          f: 'partition-halves',
          value: { nodes: ['n1'], 'a b': 1 },
        },
      ),
    );
    expect(lines[0]).toBe(
      '{:index 0 :time 1 :type :invoke :process 0 :f :write :value ["r1" 3] :key "r1" :node "n1"}',
    );
    expect(parse(lines[1]!)).toMatchObject({
      type: 'info',
      value: ['r1', 3],
      error: 'timeout "t"',
    });
    expect(parse(lines[2]!)).toMatchObject({
      process: 'nemesis',
      f: 'partition-halves',
      value: { nodes: ['n1'], 'a b': 1 },
    });
  });

  it("writes list-append transactions as Elle's micro-ops", () => {
    const [line] = toEdnLines(
      history({
        process: 2,
        type: 'ok',
        f: 'txn',
        value: [
          ['append', 'x', 1],
          ['r', 'y', [1, 2]],
          ['r', 'z', null],
        ],
      }),
    );
    expect(line).toContain(':f :txn :value [[:append "x" 1] [:r "y" [1 2]] [:r "z" nil]]');
  });
});
