#!/usr/bin/env node
// The faultline executable. It registers tsx's loader and runs the CLI from
// source, so a checkout needs `npm install` and no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
