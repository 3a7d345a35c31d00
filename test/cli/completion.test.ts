import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutover } from './aws.ts';

/** What bash offers after `words`, with the script `cutover completion bash` printed loaded. */
function complete(script: string, words: string[]): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'completion-')), 'cutover.bash');
  writeFileSync(file, script);
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source "${file}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cutover; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('cutover completion', () => {
  it('completes the command names, then the flags of the command typed', async () => {
    // Arrange
    const { code, stdout } = await cutover(['completion', 'bash']);

    // Act
    const commands = complete(stdout, ['cutover', 're']);
    const flags = complete(stdout, ['cutover', 'retire', '--d']);

    // Assert
    expect(code).toBe(0);
    expect(commands).toEqual(['rehearse', 'reject', 'retire']);
    expect(flags).toEqual(['--dry-run']);
  });

  it('prints the same function for zsh, through its bash completion support', async () => {
    // Act
    const { code, stdout } = await cutover(['completion', 'zsh']);

    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^# cutover completion for zsh.*\nautoload -U \+X bashcompinit && bashcompinit\n_cutover\(\) \{/,
    );
    expect(stdout).toContain('complete -o filenames -F _cutover cutover');
  });

  it('refuses a shell it does not complete for, exit 2', async () => {
    // Act
    const { code, stderr } = await cutover(['completion', 'fish']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('use bash or zsh');
  });
});
