import { describe, expect, it } from 'vitest';
import manifest from '../../package.json' with { type: 'json' };
import { program } from '../../src/cli/program.ts';
import { cutover } from './aws.ts';

const commands = program()
  .commands.map((c) => c.name())
  .filter((name) => name !== 'help');

describe('cutover --help', () => {
  it('lists every command, where each runs, the exit codes and examples', async () => {
    // Act
    const { code, stdout } = await cutover(['--help']);

    // Assert
    expect(code).toBe(0);
    for (const name of commands) expect(stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    expect(stdout).toContain('On AWS');
    expect(stdout).toContain('On this machine');
    expect(stdout).toContain('6 a cutover\nof the same migration is already running');
    expect(stdout).toContain('Examples:');
  });

  it('prints the version with --version', async () => {
    // Act
    const { code, stdout } = await cutover(['--version']);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toBe(`${manifest.version}\n`);
  });

  it('answers a usage error with one line and a hint, not the whole help', async () => {
    // Act
    const { code, stderr } = await cutover(['rehearse', '--bogus']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toBe("error: unknown option '--bogus'\n(add --help for the usage)\n");
  });

  it.each(
    commands,
  )('%s --help describes every option and argument, its exit codes and an example', async (name) => {
    // Arrange
    const command = program().commands.find((c) => c.name() === name);

    // Act
    const { code, stdout } = await cutover([name, '--help']);

    // Assert
    expect(code).toBe(0);
    expect(command?.description().length).toBeGreaterThan(20);
    for (const option of command?.options ?? []) {
      expect(option.description, option.flags).not.toBe('');
      expect(stdout).toContain(option.flags);
    }
    for (const argument of command?.registeredArguments ?? []) expect(argument.description).not.toBe('');
    expect(stdout).toMatch(/^Exit codes: (sandbox: )?0 /m);
    expect(stdout).toMatch(/^Examples?:\n {2}\$ cutover /m);
  });
});
