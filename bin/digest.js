#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so there is no build step:
// `npm ci` is the whole installation.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
