import { type Command, InvalidArgumentError } from 'commander';
import { help } from '../help.ts';
import type { Io } from '../io.ts';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

function shell(value: string): Shell {
  if (!SHELLS.includes(value as Shell))
    throw new InvalidArgumentError(
      `"${value}" is not a shell this completes for: use ${SHELLS.join(' or ')}.`,
    );
  return value as Shell;
}

/** The long flags of a command, `--help` included. */
const flags = (command: Command) => [...command.options.flatMap((o) => (o.long ? [o.long] : [])), '--help'];

/**
 * A bash completion function built from the commands as they are defined, so it never falls behind:
 * the command names first, then that command's flags, else file names (plans, state folders). zsh
 * runs the same function through bashcompinit.
 */
export function completionScript(cli: Command, target: Shell): string {
  const commands = cli.commands.filter((c) => c.name() !== 'help');
  const cases = commands.map((c) => `    ${c.name()}) opts="${flags(c).join(' ')}" ;;`).join('\n');
  const bash = `_cutover() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name()).join(' ')} --help --version" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="--help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _cutover cutover
`;
  return target === 'zsh'
    ? `# cutover completion for zsh, through its bash completion support.\nautoload -U +X bashcompinit && bashcompinit\n${bash}`
    : `# cutover completion for bash.\n${bash}`;
}

/** `cutover completion`, on `cli`; `done` takes the exit code. */
export function completionCommands(cli: Command, io: Io, done: (code: number) => void): void {
  cli
    .command('completion')
    .description(
      "Print a shell completion script for cutover: its commands, then each command's flags, else file names. Load it in your shell's start-up file.",
    )
    .argument('<shell>', `the shell: ${SHELLS.join(' or ')}`, shell)
    .addHelpText(
      'after',
      help(
        '0 printed; 2 a shell it does not complete for.',
        'cutover completion bash > ~/.local/share/bash-completion/completions/cutover',
        'cutover completion zsh >> ~/.zshrc',
      ),
    )
    .action((target: Shell) => {
      io.out(completionScript(cli, target));
      done(0);
    });
}
