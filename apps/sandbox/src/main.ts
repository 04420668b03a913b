import { USAGE, UsageError, parseSandboxArgs, wantsHelp } from './sandbox-options';
import { runSandbox } from './sandbox';

/** `npm run sandbox -- <scenario> [options]`: an EHR simulator that drives a running gateway. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let options;
  try {
    options = parseSandboxArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sandbox: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  try {
    const run = await runSandbox(options);
    process.exitCode = run.exitCode;
  } catch (error) {
    process.stderr.write(`sandbox: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main();
