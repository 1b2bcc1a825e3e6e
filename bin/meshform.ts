#!/usr/bin/env node
import { runMeshform } from './program';
import { processContext } from '../controller/cli/context';

runMeshform(process.argv.slice(2), processContext()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
