import { createHash } from 'node:crypto';
import { dotKey, type Version } from './vclock.ts';

/** Leaves per range: a differing leaf narrows a repair to 1/32 of the range's keys. */
export const LEAVES = 32;

const EMPTY = '';

/** A sibling set's identity: the set of its dots (a dot names one write). */
export function digestOf(versions: readonly Version[]): string {
  if (versions.length === 0) return EMPTY;
  return md5(
    versions
      .map((v) => dotKey(v.dot))
      .sort()
      .join(','),
  );
}

interface Leaf {
  /** key → digest of its versions */
  keys: Map<string, string>;
  hash: string | undefined;
}

/**
 * Merkle trees over a node's keys, one per key range of the ring (the
 * keys between two consecutive tokens share their replicas): `LEAVES`
 * leaves per range, each the hash of its keys and their versions'
 * digests, under one root. Kept up to date at every write,
 * hashed lazily: a range whose root is asked twice with no write between
 * is hashed once. Two replicas of a range compare roots, then leaves, then
 * exchange only the keys of the leaves that differ.
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
    const digest = digestOf(versions);
    const at = leaves[leaf]!;
    if (at.keys.get(key) === digest) return;
    if (digest === EMPTY) at.keys.delete(key);
    else at.keys.set(key, digest);
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
                  .map(([k, d]) => `${k}=${d}`)
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
