/**
 * For tests that need something this machine may lack (root, iptables, an
 * engine): true means skip, with the reason printed. Under
 * FAULTLINE_REQUIRE_ENGINES=1 (set by .ci/run) a missing need is a failure,
 * so nothing is skipped silently in CI.
 */
export function skipUnless(what: string, blocker: string | undefined): boolean {
  if (!blocker) return false;
  if (process.env.FAULTLINE_REQUIRE_ENGINES === '1') {
    throw new Error(`${what} ${blocker}, and FAULTLINE_REQUIRE_ENGINES=1 forbids skipping`);
  }
  console.warn(`skipping ${what}: it ${blocker}`);
  return true;
}

/**
 * Marks the tests that need an official image (mongo:7,
 * mysql/mysql-cluster): the closing line of .ci/run counts their skips
 * apart from the others.
 */
export const OFFICIAL_IMAGE_TAG = '[official image]';

/**
 * For tests of an official image that no registry reachable here serves:
 * skip with the reason printed, even under FAULTLINE_REQUIRE_ENGINES=1
 * (the nightly workflow, where images pull, runs them), so a machine that
 * reaches no registry is not a failure.
 */
export function skipUnlessImage(what: string, blocker: string | undefined): boolean {
  if (!blocker) return false;
  console.warn(`skipping ${what} ${OFFICIAL_IMAGE_TAG}: it ${blocker}`);
  return true;
}

/** Why a test cannot run `image` on the docker provider here, or undefined. */
export async function dockerImageBlocker(image: string): Promise<string | undefined> {
  const { dockerAnswers } = await import('../docker/runtime.ts');
  const { imageExists } = await import('../docker/images.ts');
  if (!(await dockerAnswers()))
    return 'needs a Docker daemon (docker/dockerd.sh start <dir>, then DOCKER_HOST)';
  if (!(await imageExists(image))) return `needs the image ${image} (npm run images)`;
  return undefined;
}
