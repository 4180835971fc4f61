import { buildImages } from './images.ts';

/** `npm run images [recipe...]` (`--rebuild` rebuilds what exists). */
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
try {
  const start = Date.now();
  const built = await buildImages({
    only: only.length > 0 ? only : undefined,
    rebuild: args.includes('--rebuild'),
    log: (line) => console.log(line),
  });
  console.log(
    `images: ${built.filter((b) => b.built).length} built, ${built.filter((b) => !b.built).length} present, ${((Date.now() - start) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(`npm run images: ${(error as Error).message}`);
  process.exitCode = 1;
}
