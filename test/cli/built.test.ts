import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cutover } from './aws.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = `${root}dist/src/cli/main.mjs`;
const spawn = (...args: string[]) =>
  execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

// What `npm ci` leaves (its prepare step builds the CLI): the same commands, with no compiler at each start.
describe('the built CLI', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['bin/build.mjs'], { cwd: root });
  });

  it('prints the same help as the TypeScript it was built from', async () => {
    // Arrange
    const { stdout } = await cutover(['--help']);

    // Act
    const help = spawn(built, '--help');

    // Assert
    expect(help).toBe(stdout);
    expect(spawn('bin/cutover.mjs', '--help')).toBe(stdout);
  });

  it('rehearses the example plan with the built handlers, the JSON report alone on stdout', () => {
    // Act
    const report = JSON.parse(spawn(built, 'rehearse', '--plan', 'examples/plan.json', '--json'));

    // Assert
    expect(report).toMatchObject({ status: 'SUCCEEDED', worldRestored: false });
  });
});
