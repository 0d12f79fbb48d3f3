#!/usr/bin/env node
// Runs the TypeScript CLI (adapters/cli/main.ts) through tsx, so `npx client-portal` works in a checkout.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../adapters/cli/main.ts', import.meta.url).href);
