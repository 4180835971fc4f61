#!/usr/bin/env node
// `npm run bench`: registers tsx's loader and runs the bench from source.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
