import { describe, expect, it } from 'vitest';
import { modelVerdict } from './models.ts';

describe('consistency models ruled out by anomalies', () => {
  it('none found: every model checked stands; serializable and snapshot isolation are incomparable', () => {
    expect(modelVerdict([])).toEqual({
      ruledOut: [],
      strongest: ['snapshot-isolation', 'serializable'],
      summary: 'consistent with snapshot-isolation and serializable (no anomaly found)',
    });
    expect(modelVerdict([], 'strict-serializable').strongest).toEqual([
      'snapshot-isolation',
      'strict-serializable',
    ]);
  });

  it('a cycle that needs real-time edges rules out strict serializability only', () => {
    expect(modelVerdict(['G-single-realtime'], 'strict-serializable')).toMatchObject({
      ruledOut: ['strict-serializable'],
      strongest: ['snapshot-isolation', 'strong-session-serializable'],
    });
  });

  it('write skew (G2-item) rules out repeatable read and serializability, not snapshot isolation', () => {
    expect(modelVerdict(['G2-item'])).toEqual({
      ruledOut: ['repeatable-read', 'serializable'],
      strongest: ['snapshot-isolation'],
      summary: 'not serializable, not repeatable-read: G2-item; consistent with snapshot-isolation',
    });
  });

  it('read skew (G-single) rules out snapshot isolation and repeatable read: read committed stands', () => {
    expect(modelVerdict(['G-single']).strongest).toEqual(['read-committed']);
  });

  it('lost update rules out repeatable read and snapshot isolation; G1c read committed; G0 everything', () => {
    expect(modelVerdict(['lost-update']).strongest).toEqual(['read-committed']);
    expect(modelVerdict(['G1c']).strongest).toEqual(['read-uncommitted']);
    expect(modelVerdict(['G0']).strongest).toEqual([]);
    expect(modelVerdict(['G0']).summary).toMatch(/consistent with no model checked$/);
  });
});
