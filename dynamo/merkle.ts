import { createHash } from 'node:crypto';
import { dotKey, type Version } from './vclock.ts';

/** Leaves per range: a differing leaf narrows a repair to 1/32 of the range's keys. */
export const LEAVES = 32;

const EMPTY = '';

/**
 * A sibling set's identity: the set of its dots (a dot names one write),
 * as text. Not hashed: it is compared, or hashed with its leaf's keys.
 */
export function digestOf(versions: readonly Version[]): string {
  if (versions.length === 0) return EMPTY;
  return versions
    .map((v) => dotKey(v.dot))
    .sort()
    .join(',');
}

interface Leaf {
  /** key → its versions, digested only when the leaf is hashed */
  keys: Map<string, readonly Version[]>;
  hash: string | undefined;
}

/**
 * Merkle trees over a node's keys, one per key range of the ring (the
 * keys between two consecutive tokens share their replicas): `LEAVES`
 * leaves per range, each the hash of its keys and their versions'
 * digests, under one root. A write only records the key's versions in
 * its leaf; hashing waits until a tree is asked for (it took two MD5s at
 * every write), and a range whose root is asked twice with no write
 * between is hashed once. Two replicas of a range compare roots, then
 * leaves, then exchange only the keys of the leaves that differ.
 */
export class MerkleIndex {
  private readonly ranges = new Map<number, Leaf[]>();
  private readonly roots = new Map<number, string>();

  constructor(private readonly locate: (key: string) => { range: number; leaf: number }) {}

  /** Records a key's versions as they now stand on this node. */
  update(key: string, versions: readonly Version[]): void {
    const { range, leaf } = this.locate(key);
    let leaves = this.ranges.get(range);
    if (!leaves) {
      leaves = Array.from({ length: LEAVES }, () => ({ keys: new Map(), hash: undefined }));
      this.ranges.set(range, leaves);
    }
    const at = leaves[leaf]!;
    if (versions.length === 0) at.keys.delete(key);
    else at.keys.set(key, versions);
    at.hash = undefined;
    this.roots.delete(range);
  }

  root(range: number): string {
    let root = this.roots.get(range);
    if (root === undefined) {
      const leaves = this.leaves(range);
      root = leaves.every((h) => h === EMPTY) ? EMPTY : md5(leaves.join(','));
      this.roots.set(range, root);
    }
    return root;
  }

  leaves(range: number): string[] {
    const leaves = this.ranges.get(range);
    if (!leaves) return Array.from({ length: LEAVES }, () => EMPTY);
    return leaves.map((leaf) => {
      if (leaf.hash === undefined) {
        leaf.hash =
          leaf.keys.size === 0
            ? EMPTY
            : md5(
                [...leaf.keys]
                  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                  .map(([k, versions]) => `${k}=${digestOf(versions)}`)
                  .join('\n'),
              );
      }
      return leaf.hash;
    });
  }

  /** The keys this node holds in the given leaves of a range. */
  keysIn(range: number, leaves: readonly number[]): string[] {
    const held = this.ranges.get(range);
    if (!held) return [];
    return leaves.flatMap((l) => [...(held[l]?.keys.keys() ?? [])]);
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('base64');
}
