import type { SystemImages } from './image-choice.ts';
import { imageExists, localImage, ROOTFS_IMAGE } from './images.ts';
import { dockerAnswers } from './runtime.ts';

/** What `faultline doctor` says of the docker provider: the daemon, and each system's image. */
export async function dockerStatus(systems: readonly SystemImages[]): Promise<string[]> {
  if (!(await dockerAnswers()))
    return [
      'docker provider: no Docker daemon answers (start dockerd, or set DOCKER_HOST; docker/README.md)',
    ];
  const lines = ['docker provider: a Docker daemon answers'];
  if (!(await imageExists(ROOTFS_IMAGE)))
    lines.push(`  ${ROOTFS_IMAGE}: missing · npm run images builds it (debootstrap, as root)`);
  for (const system of systems) {
    const image = localImage(system.image);
    const local = `${image} ${(await imageExists(image)) ? 'present' : `missing · npm run images ${system.image}`}`;
    const official = system.officialImage
      ? `${system.officialImage} ${(await imageExists(system.officialImage)) ? 'present (runs first)' : 'not pulled (a run pulls it where a registry answers)'} · `
      : '';
    lines.push(`  ${system.name}: ${official}${local}`);
  }
  return lines;
}
