/** Runs one orchbench command in-process (no child process: tsx start-up costs seconds on a busy machine). */
import { Command } from 'commander';
import { vi } from 'vitest';

/**
 * Registers a command group on a fresh program and runs `args` through it.
 * @returns what it printed to stdout and the exit code it set (0 when none); input errors propagate.
 */
export async function runCli(register: (program: Command) => void, args: string[]): Promise<{ stdout: string; exitCode: number }> {
  const program = new Command().exitOverride();
  register(program);
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout: writes.join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}
