#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

// A closed pipe (`kgd check … | head`) is not an error worth a stack trace.
for (const s of [process.stdout, process.stderr]) s.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
main(process.argv).then((code) => { process.exitCode = code; });
