import { Command, CommanderError } from 'commander';
import { InputError } from '../load/sources.js';
import { VERSION } from '../report/version.js';
import { registerCheck } from './commands/check.js';
import { limitHeapGrowth } from './heap.js';
import { registerGenerate } from './commands/generate.js';
import { registerFix } from './commands/fix.js';
import { registerDump } from './commands/dump.js';
import { registerRules } from './commands/rules.js';
import { registerTrace } from './commands/trace.js';
import { registerLogs } from './commands/logs.js';
import { registerWebhook } from './commands/webhook.js';
import { registerGraph } from './commands/graph.js';
import { registerServe } from './commands/serve.js';
import { EXIT, UsageError } from './errors.js';

/**
 * Help to stdout; the option parser's errors as one line in kgd's own style (`kgd: …`), naming the help to read —
 * never commander's two-line `error: …` and a hint.
 */
function outputFor(io: MainIO, path: string) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(`kgd: ${s.replace(/^error: /, '').trim().replace(/\n+/g, ' ')} (see ${path} --help)\n`),
  };
}

export interface MainIO {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/**
 * The one place errors are caught: usage and input errors print one line and exit 2; anything else is
 * a kgd bug, reported as such with exit 3 (the stack only with KGD_DEBUG=1).
 */
export async function main(argv: readonly string[], io: MainIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  limitHeapGrowth();
  let exit: number = EXIT.clean;
  const program = new Command();
  program
    .name(argv[1]?.includes('kubectl-kgd') ? 'kubectl kgd' : 'kgd')
    .description('KServe Gateway Doctor: why does my InferenceService answer 404 or 504 on a non-default Istio local gateway?')
    .version(VERSION)
    .exitOverride()
    .configureOutput(outputFor(io, 'kgd'));
  const cmdIO = { ...io, setExit: (n: number) => { exit = n; } };
  registerCheck(program, cmdIO);
  registerTrace(program, cmdIO);
  registerLogs(program, cmdIO);
  registerGenerate(program, cmdIO);
  registerFix(program, cmdIO);
  registerDump(program, cmdIO);
  registerGraph(program, cmdIO);
  registerServe(program, cmdIO);
  registerWebhook(program, cmdIO);
  registerRules(program, io);
  const each = (cmd: Command, path: string): void => {
    for (const c of cmd.commands) {
      c.exitOverride().configureOutput(outputFor(io, `${path} ${c.name()}`));
      each(c, `${path} ${c.name()}`);
    }
  };
  each(program, 'kgd');
  // `kgd` alone is a usage error: the help on stderr, exit 2.
  if (argv.length <= 2) {
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv]);
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.clean;
      return EXIT.usage; // commander already printed the message
    }
    if (e instanceof UsageError || e instanceof InputError) {
      io.stderr.write(`kgd: ${e.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`kgd: internal error: ${(e as Error)?.message ?? String(e)} (please report it; set KGD_DEBUG=1 for details)\n`);
    if (process.env['KGD_DEBUG']) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT.internal;
  }
}
