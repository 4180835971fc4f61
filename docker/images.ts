import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { localImage } from '../core/provider.ts';
import { runtime } from './runtime.ts';

const run = promisify(execFile);

/**
 * faultline's local images, for machines that reach no image registry: a
 * Debian root file system made by debootstrap and imported (the rootfs
 * image), a base on it with apt's sources and the fault tools, then one
 * image per recipe in docker/images/<name>/Dockerfile, each installing
 * Debian packages (`docker build --network host`, so apt reaches the
 * machine's own mirror). Each is tagged `faultline/<name>:local`.
 */
const RECIPES = fileURLToPath(new URL('./images/', import.meta.url));
export const ROOTFS_IMAGE = 'faultline/debian-rootfs:bookworm';

export { localImage };

/** The recipes, the base first (every other is FROM it). */
export function recipes(): string[] {
  const names = readdirSync(RECIPES).filter((n) => existsSync(join(RECIPES, n, 'Dockerfile')));
  return ['base', ...names.filter((n) => n !== 'base').sort()];
}

export async function imageExists(ref: string): Promise<boolean> {
  const docker = await runtime();
  try {
    await docker.dockerode.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

export interface BuiltImage {
  image: string;
  seconds: number;
  /** False when it already existed and nothing was rebuilt. */
  built: boolean;
}

/**
 * Builds the rootfs image (if missing) and every recipe (or those named),
 * reporting each as it finishes. `rebuild` builds images that exist too.
 */
export async function buildImages(
  options: { only?: readonly string[]; rebuild?: boolean; log?: (line: string) => void } = {},
): Promise<BuiltImage[]> {
  const log = options.log ?? (() => {});
  const results: BuiltImage[] = [];
  const timed = async (image: string, make: () => Promise<void>) => {
    if (!options.rebuild && (await imageExists(image))) {
      results.push({ image, seconds: 0, built: false });
      log(`${image}: present`);
      return;
    }
    const start = Date.now();
    await make();
    const seconds = (Date.now() - start) / 1000;
    results.push({ image, seconds, built: true });
    log(`${image}: built in ${seconds.toFixed(1)} s`);
  };
  await timed(ROOTFS_IMAGE, importRootfs);
  const wanted = recipes().filter((r) => r === 'base' || !options.only || options.only.includes(r));
  for (const recipe of wanted) await timed(localImage(recipe), () => buildRecipe(recipe));
  return results;
}

/** debootstrap a minimal bookworm from the mirror apt already uses, then `docker import` it. */
async function importRootfs(): Promise<void> {
  const mirror = aptMirror();
  const dir = mkdtempSync(join(tmpdir(), 'faultline-rootfs-'));
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', dir, mirror], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: Error & { stderr?: string }) => {
      throw new Error(
        `debootstrap failed (apt-get install debootstrap; needs root): ${error.stderr?.trim().split('\n').pop() ?? error.message}`,
      );
    });
    // The image's apt then sees what the host's sees (same suites, same versions).
    for (const file of ['/etc/apt/sources.list', ...sourceFiles()])
      if (existsSync(file)) copyFileSync(file, join(dir, file));
    await pipe(['tar', '-C', dir, '-c', '.'], ['docker', 'import', '-', ROOTFS_IMAGE]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `docker build --network host` of one recipe; the node recipe gets this machine's Node binary. */
async function buildRecipe(recipe: string): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), `faultline-image-${recipe}-`));
  try {
    for (const file of readdirSync(join(RECIPES, recipe)))
      copyFileSync(join(RECIPES, recipe, file), join(context, file));
    const args = ['build', '--network', 'host', '-q', '-t', localImage(recipe)];
    if (readFileSync(join(context, 'Dockerfile'), 'utf8').includes('ARG NODE_PATH')) {
      copyFileSync(process.execPath, join(context, 'node'));
      args.push('--build-arg', `NODE_PATH=${process.execPath}`);
    }
    await run('docker', [...args, context], { maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: Error & { stderr?: string }) => {
        throw new Error(
          `docker build of ${localImage(recipe)} failed: ${error.stderr?.trim().split('\n').slice(-3).join(' ') ?? error.message}`,
        );
      },
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function sourceFiles(): string[] {
  const dir = '/etc/apt/sources.list.d';
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
}

/** The first Debian mirror in apt's sources (one-line or deb822 form). */
export function aptMirror(
  files: readonly string[] = ['/etc/apt/sources.list', ...sourceFiles()],
): string {
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const url =
      /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text)?.[1] ??
      /^URIs:\s*(\S+)[\s\S]*?^Suites:.*\bbookworm\b/m.exec(text)?.[1];
    if (url && !url.includes('security')) return url;
  }
  throw new Error('no Debian bookworm mirror in /etc/apt/sources.list*: debootstrap needs one');
}

/** `a | b`, each an argument array. */
function pipe(first: string[], second: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const a = spawn(first[0]!, first.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const b = spawn(second[0]!, second.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    a.stdout.pipe(b.stdin);
    let stderr = '';
    b.stderr.on('data', (d) => {
      stderr += d;
    });
    b.on('error', reject);
    b.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${second.join(' ')} failed: ${stderr.trim()}`)),
    );
  });
}
