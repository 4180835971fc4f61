import { afterAll } from 'vitest';
import { sweepNodeHomes } from '../adapters/mysql-cluster/cluster-files.ts';
import { removeTempDirs } from './temp-dirs.ts';

// Every test file's temporary folders go when it ends; the MariaDB node
// homes they linked to (outside them, under the system's temporary folder)
// go with them.
afterAll(async () => {
  removeTempDirs();
  await sweepNodeHomes();
});
