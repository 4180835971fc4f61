import { describe, expect, it } from 'vitest';
import { containerNodes, networkPlan } from './network.ts';

describe("the docker provider's addressing plan", () => {
  it('gives each system a /24 of its own, nodes at .n, their workers at .100+n, on a bridge named for it', () => {
    const plan = networkPlan('example', 2);
    expect(plan).toMatchObject({
      name: 'faultline-example',
      bridge: 'faultline12',
      subnet: '10.213.12.0/24',
      gateway: '10.213.12.254',
    });
    expect(containerNodes(plan, 2, 6379)).toEqual([
      { id: 'n1', host: '10.213.12.1', port: 6379, clientAddress: '10.213.12.101' },
      { id: 'n2', host: '10.213.12.2', port: 6379, clientAddress: '10.213.12.102' },
    ]);
    // Linux names an interface in at most 15 characters.
    expect(networkPlan('example', 89).bridge.length).toBeLessThanOrEqual(15);
  });

  it('refuses subnets and node numbers outside the plan', () => {
    expect(() => networkPlan('example', 0)).toThrow('subnet 0 is outside 1..89');
    expect(() => networkPlan('example', 90)).toThrow('subnet 90 is outside 1..89');
    expect(() => networkPlan('example', 1).node(100)).toThrow('node number 100 is outside 1..99');
  });
});
