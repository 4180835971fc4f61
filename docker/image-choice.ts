import { localImage } from '../core/provider.ts';
import { runtime } from './runtime.ts';

/** The image a system's nodes ran in, as the report names it. */
export interface ChosenImage {
  /** The reference given to docker (`redis:7`, `faultline/redis:local`). */
  ref: string;
  /**
   * What was measured, exactly: the registry digest (`redis@sha256:…`)
   * for a pulled image, the image id (`sha256:…`) for one built here.
   */
  digest: string;
  /** Why this one: named by --image, the official image, or faultline's own (no registry answered). */
  source: 'flag' | 'official' | 'local';
}

/** What a system declares of its images (System.image, System.officialImage). */
export interface SystemImages {
  name: string;
  image: string;
  officialImage?: string;
}

/**
 * The image a system runs in on the docker provider: the one `--image`
 * names; else the engine's official image, if present or pulled; else,
 * where no registry answers (as on a machine that reaches none), the local
 * image `npm run images` built, saying so. Throws, in one line, when none
 * is there.
 */
export async function chooseImage(
  system: SystemImages,
  requested: string | undefined,
  log: (line: string) => void,
): Promise<ChosenImage> {
  if (requested) {
    const got = await obtain(requested, log);
    if ('why' in got)
      throw new Error(
        `${system.name}: --image ${requested} is not here and could not be pulled (${got.why}); build or load it, or leave --image out`,
      );
    return { ref: requested, digest: got.digest, source: 'flag' };
  }
  let official: string | undefined;
  if (system.officialImage) {
    const got = await obtain(system.officialImage, log);
    if (!('why' in got))
      return { ref: system.officialImage, digest: got.digest, source: 'official' };
    official = `the official image ${system.officialImage} could not be pulled (${got.why})`;
  }
  const local = localImage(system.image);
  const digest = await digestOf(local);
  if (!digest)
    throw new Error(
      `${system.name}: ${official ? `${official} and ` : ''}docker image ${local} is missing: npm run images ${system.image} builds it (or --image ${system.name}=<ref>)`,
    );
  if (official) log(`${system.name}: ${official}; running faultline's ${local} instead`);
  return { ref: local, digest, source: 'local' };
}

/** The image's digest once it is here (pulling it if need be), else why not in a few words. */
async function obtain(
  ref: string,
  log: (line: string) => void,
): Promise<{ digest: string } | { why: string }> {
  const here = await digestOf(ref);
  if (here) return { digest: here };
  log(`docker: pulling ${ref}…`);
  const { dockerode } = await runtime();
  try {
    const stream = await dockerode.pull(ref);
    await new Promise<void>((resolve, reject) =>
      dockerode.modem.followProgress(stream, (error: Error | null) =>
        error ? reject(error) : resolve(),
      ),
    );
  } catch (error) {
    return { why: reasonOf((error as Error).message) };
  }
  const pulled = await digestOf(ref);
  return pulled ? { digest: pulled } : { why: 'the pull left no image' };
}

/** The registry digest of a pulled image, else its id; undefined when it is not here. */
async function digestOf(ref: string): Promise<string | undefined> {
  const { dockerode } = await runtime();
  try {
    const info = await dockerode.getImage(ref).inspect();
    return info.RepoDigests?.[0] ?? info.Id;
  } catch {
    return undefined;
  }
}

/** Why a pull failed, in a few words: no registry reached, or the daemon's own first line. */
function reasonOf(message: string): string {
  if (
    /dial tcp|no such host|i\/o timeout|connection refused|TLS handshake|network is unreachable/i.test(
      message,
    )
  )
    return 'no image registry answers';
  return (message.split('\n')[0] ?? message).replace(/^\(HTTP code \d+\)\s*/, '').slice(0, 200);
}
