import { localImage } from '../core/provider.ts';
import { imageExists } from './images.ts';
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
    const why = await present(requested, log);
    if (why)
      throw new Error(
        `${system.name}: --image ${requested} is not here and could not be pulled (${why}); build or load it, or leave --image out`,
      );
    return { ref: requested, digest: await digestOf(requested), source: 'flag' };
  }
  let official: string | undefined;
  if (system.officialImage) {
    const why = await present(system.officialImage, log);
    if (!why)
      return {
        ref: system.officialImage,
        digest: await digestOf(system.officialImage),
        source: 'official',
      };
    official = `the official image ${system.officialImage} could not be pulled (${why})`;
  }
  const local = localImage(system.image);
  if (!(await imageExists(local)))
    throw new Error(
      `${system.name}: ${official ? `${official} and ` : ''}docker image ${local} is missing: npm run images ${system.image} builds it (or --image ${system.name}=<ref>)`,
    );
  if (official) log(`${system.name}: ${official}; running faultline's ${local} instead`);
  return { ref: local, digest: await digestOf(local), source: 'local' };
}

/** Undefined once the image is here (pulling it if need be), else why not in a few words. */
async function present(ref: string, log: (line: string) => void): Promise<string | undefined> {
  if (await imageExists(ref)) return undefined;
  log(`docker: pulling ${ref}…`);
  const { dockerode } = await runtime();
  try {
    const stream = await dockerode.pull(ref);
    await new Promise<void>((resolve, reject) =>
      dockerode.modem.followProgress(stream, (error: Error | null) =>
        error ? reject(error) : resolve(),
      ),
    );
    return undefined;
  } catch (error) {
    return reasonOf((error as Error).message);
  }
}

/** The registry digest of a pulled image, else its id. */
async function digestOf(ref: string): Promise<string> {
  const { dockerode } = await runtime();
  const info = await dockerode.getImage(ref).inspect();
  return info.RepoDigests?.[0] ?? info.Id;
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
