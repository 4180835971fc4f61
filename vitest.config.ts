import { defineConfig } from 'vitest/config';

// Integration tests start real clusters on fixed loopback addresses, so test
// files run one after another: two clusters on 127.0.11.x at once would collide.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'runs/**'],
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    setupFiles: ['test/setup.ts'],
  },
});
