#!/usr/bin/env node
import { run } from './program';

// `superflag … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

void run(process.argv).then((code) => {
  process.exitCode = code;
});
