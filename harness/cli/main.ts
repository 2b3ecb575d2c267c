/**
 * The `orchbench` command line. One file per command group in this folder; each exports
 * `register(program)`. Errors about input are printed without a stack trace (exit 1); anything
 * else is a bug and keeps its stack.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { register as registerBench } from './bench.ts';
import { register as registerEnv } from './env.ts';
import { register as registerExperiment } from './experiment.ts';
import { register as registerGate } from './gate.ts';
import { register as registerMerge } from './merge.ts';
import { register as registerProfiles } from './profiles.ts';
import { register as registerRun } from './run.ts';
import { register as registerScenario } from './scenario.ts';
import { register as registerSubmission } from './submission.ts';
import { register as registerTraces } from './traces.ts';
import { register as registerVerify } from './verify.ts';

const program = new Command('orchbench')
  .description('Trace-driven benchmark for DL-inference orchestration across device, edge and cloud')
  .version(VERSION)
  .showHelpAfterError();

registerScenario(program);
registerRun(program);
registerMerge(program);
registerTraces(program);
registerProfiles(program);
registerVerify(program);
registerGate(program);
registerBench(program);
registerEnv(program);
registerExperiment(program);
registerSubmission(program);

// `orchbench traces list | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof InputError) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  } else if (e instanceof CommanderError) {
    // A command that overrides commander's exit (gate: usage errors exit 2); the message is printed.
    process.exitCode = e.exitCode;
  } else {
    throw e;
  }
}
