import { describe, expect, it } from 'vitest';
import { lossRules } from './firewall.ts';

/** Which rules a packet leaving lo matches, as iptables would evaluate them. */
function matches(rules: string[], src: string, dst: string): number {
  return rules.filter((rule) => {
    const want = (flag: string) => new RegExp(`(^| )${flag} (\\S+)/32`).exec(rule)?.[2];
    const notSrc = /! -s (\S+)\/32/.exec(rule)?.[1];
    const s = /(?<!! )-s (\S+)\/32/.exec(rule)?.[1];
    return (!s || s === src) && (!want('-d') || want('-d') === dst) && notSrc !== src;
  }).length;
}

describe('loss rules', () => {
  const node = '127.0.11.2';
  const client = '127.0.11.102';
  const rules = lossRules(node, client, 0.2);

  it('make exactly one random decision for every packet of the node or its workers', () => {
    const peer = '127.0.11.3';
    for (const [src, dst] of [
      [client, node],
      [node, client],
      [node, peer],
      [peer, node],
    ]) {
      expect(matches(rules, src!, dst!)).toBe(1);
    }
    expect(matches(rules, peer, '127.0.11.1')).toBe(0);
  });

  it('match only on the way out of lo, with the probability asked', () => {
    expect(
      rules.every((r) => r.includes(' -o lo ') && r.includes('--probability 0.2000 -j DROP')),
    ).toBe(true);
  });
});

describe('loss rules for a container', () => {
  // A container's packet crosses faultline's chain once (FORWARD, or
  // INPUT/OUTPUT to the host), so no interface is named.
  const rules = lossRules('10.213.11.2', '10.213.11.102', 0.2);

  it('name no interface and still decide once per packet', () => {
    expect(rules.some((r) => r.includes('-o lo'))).toBe(false);
    expect(matches(rules, '10.213.11.102', '10.213.11.2')).toBe(1);
    expect(matches(rules, '10.213.11.2', '10.213.11.3')).toBe(1);
    expect(matches(rules, '10.213.11.3', '10.213.11.1')).toBe(0);
  });
});
