import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `valgrind` (with `callgrind_control`) is on this machine. */
export function callgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A bench server script (one that reports its URL over IPC) run under
 * `valgrind --tool=callgrind`, counting nothing until `countInstructions` says
 * so: start-up and warm-up run uninstrumented (some 5x slower, not 50x).
 */
export class CallgrindServer {
  private readonly outDir = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
  readonly process: ChildProcess;
  readonly url: Promise<string>;

  constructor(script: string, env: Record<string, string>) {
    this.process = fork(script, [], {
      execPath: 'valgrind',
      execArgv: [
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${join(this.outDir, 'callgrind.out')}`,
        process.execPath,
        '-r',
        '@swc-node/register',
      ],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    this.url = new Promise((resolve, reject) => {
      this.process.once('message', (url) => resolve(url as string));
      this.process.once('exit', (code) => reject(new Error(`callgrind server exited with ${code}`)));
    });
  }

  /** Counts the instructions (all of the process's threads) executed while `work` runs. */
  async countInstructions<T>(work: () => Promise<T>): Promise<{ instructions: number; result: T }> {
    const pid = String(this.process.pid);
    this.control('--instr=on', pid);
    this.control('--zero', pid);
    const result = await work();
    this.control('--dump', pid);
    this.control('--instr=off', pid);
    return { instructions: this.lastTotal(), result };
  }

  /** Ends the server and removes its dumps (once valgrind has written its last one, at exit). */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill();
      await exited;
    }
    rmSync(this.outDir, { recursive: true, force: true });
  }

  private control(command: string, pid: string): void {
    execFileSync('callgrind_control', [command, pid], { stdio: 'ignore' });
  }

  /** The `totals:` line of the newest dump (`callgrind.out.<n>`, numbered from 1). */
  private lastTotal(): number {
    const dumps = readdirSync(this.outDir)
      .map((name) => Number(/\.(\d+)$/.exec(name)?.[1]))
      .filter((n) => Number.isInteger(n));
    const newest = Math.max(...dumps);
    const text = readFileSync(join(this.outDir, `callgrind.out.${newest}`), 'utf8');
    const totals = /^totals:\s+(\d+)/m.exec(text);
    if (!totals) throw new Error(`no totals in callgrind dump ${newest}`);
    return Number(totals[1]);
  }
}
