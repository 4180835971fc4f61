import { describe, expect, it } from 'vitest';
import { skipUnless } from '../test/engines.ts';
import { recordingProvider } from '../test/fake-provider.ts';
import { tempDir } from '../test/temp-dirs.ts';
import { bindSourceBlocker } from './bind-source/index.ts';
import { NodeCluster } from './node-cluster.ts';
import type { NodeHandle } from './types.ts';

class ExampleCluster extends NodeCluster {
  /** addNode and removeNode, as a system's membership change uses them. */
  add(): string {
    return this.addNode().id;
  }
  remove(id: string): Promise<void> {
    return this.removeNode(id);
  }
  protected command(node: NodeHandle) {
    return { program: '/bin/example', args: ['--id', node.id], marker: `example-${node.id}` };
  }
  protected async ready(): Promise<boolean> {
    return true;
  }
}

describe('a cluster on a provider', () => {
  it('gives an added node a number never used before, even after the highest was removed', async () => {
    const { provider } = recordingProvider();
    const cluster = new ExampleCluster(
      { nodes: 3, dir: tempDir('fl-provider-'), settings: {}, provider },
      { system: 'example', subnet: 89, port: 9 },
    );
    expect(cluster.add()).toBe('n4');
    await cluster.remove('n4');
    await cluster.remove('n1');
    // n4's folder holds the removed node's data and identity: never again.
    expect(cluster.add()).toBe('n5');
    expect(cluster.nodes.map((n) => n.id)).toEqual(['n2', 'n3', 'n5']);
    expect(cluster.nodes.at(-1)!.host).toMatch(/\.5$/);
    await cluster.teardown();
  });

  it('runs the whole node lifecycle through the provider it is given', async () => {
    const { provider, calls } = recordingProvider({ nodesRun: true });
    const processes: { node: string; pid: number; marker: string }[] = [];
    const cluster = new ExampleCluster(
      {
        nodes: 2,
        dir: tempDir('fl-provider-'),
        settings: {},
        provider,
        onProcess: (p) => processes.push(p),
      },
      // Port 9 (discard) on a subnet no system uses: nothing listens there.
      { system: 'example', subnet: 89, port: 9 },
    );
    await cluster.start('n1');
    await cluster.start('n2', { env: { FAKETIME: '+60s' } });
    expect(cluster.isUp('n1')).toBe(true);
    await cluster.pause('n1');
    expect(cluster.isUp('n1')).toBe(false);
    await cluster.resume('n1');
    await cluster.kill('n2');
    expect(cluster.isUp('n2')).toBe(false);
    await cluster.start('n2');
    await cluster.teardown();
    expect(calls).toEqual([
      'place example on subnet 89',
      'launch n1 /bin/example --id n1 {}',
      'launch n2 /bin/example --id n2 {"FAKETIME":"+60s"}',
      'pause n1',
      'resume n1',
      'kill n2',
      'launch n2 /bin/example --id n2 {}',
      'stop n1',
      'stop n2',
      'close',
    ]);
    expect(processes.map((p) => `${p.node} ${p.pid} ${p.marker}`)).toEqual([
      'n1 1001 example-n1',
      'n2 1002 example-n2',
      'n2 1003 example-n2',
    ]);
  });

  it('a node that exits while starting fails its start at once, with its log, not after the ready timeout', async () => {
    const { provider } = recordingProvider();
    const cluster = new ExampleCluster(
      { nodes: 1, dir: tempDir('fl-provider-'), settings: {}, provider },
      { system: 'example', subnet: 89, port: 9 },
    );
    const started = Date.now();
    await expect(cluster.start('n1')).rejects.toThrow(
      /example node n1 did not start \(exited\):\nexited at once/,
    );
    // The ready timeout is 30 s.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.skipIf(skipUnless('the source-address preload test', bindSourceBlocker()))(
    "a node whose peer connections must leave from its address gets the preload on loopback, with its own environment; a container's node does not",
    async () => {
      class PeeringCluster extends ExampleCluster {
        protected override readonly bindsPeerConnections = true;
        protected override command(node: NodeHandle) {
          return { ...super.command(node), env: { EXAMPLE: node.id } };
        }
      }
      const envOf = async (nodesRun: boolean) => {
        const { provider, launches } = recordingProvider({ nodesRun });
        const cluster = new PeeringCluster(
          { nodes: 1, dir: tempDir('fl-provider-'), settings: {}, provider },
          { system: 'example', subnet: 89, port: 9 },
        );
        await cluster.start('n1').catch(() => {});
        return launches[0]!.launch.env;
      };
      expect(await envOf(true)).toEqual({
        LD_PRELOAD: expect.stringMatching(/\.so$/),
        FAULTLINE_BIND_SOURCE: '127.0.99.1',
        EXAMPLE: 'n1',
      });
      expect(await envOf(false)).toEqual({ EXAMPLE: 'n1' });
    },
  );
});
