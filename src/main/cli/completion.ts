import type { Command } from 'commander';

/** The shells `maestro completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/**
 * A completion script for `shell` made from the program's own commands and flags, so it never
 * falls behind them: commands and subcommands by position, then each command's flags.
 * zsh loads the bash one through bashcompinit.
 */
export function completionScript(program: Command, shell: CompletionShell): string {
  const cases = walk(program, [])
    .map(({ path, words }) => `    "${path}") words="${words.join(' ')}" ;;`)
    .join('\n');
  const bash = `_maestro_complete() {
  local cur path word words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "\${path:+$path }$word" in
${casesFor(program)}
    esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _maestro_complete maestro`;
  if (shell === 'bash')
    return `# maestro completion for bash: source <(maestro completion bash)\n${bash}`;
  return `# maestro completion for zsh: source <(maestro completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}

interface Node {
  path: string;
  words: string[];
}

/** Every command path with the words that may follow it: subcommands, then flags. */
function walk(command: Command, parents: string[]): Node[] {
  const path = parents.join(' ');
  const subcommands = command.commands.flatMap((sub) => [sub.name(), ...sub.aliases()]);
  const flags = command.options.flatMap((option) => [option.short, option.long]).filter(Boolean);
  const here = { path, words: [...subcommands, ...(flags as string[]), '--help'] };
  return [here, ...command.commands.flatMap((sub) => walk(sub, [...parents, sub.name()]))];
}

/** The command paths a word extends (aliases lead to the command's own path). */
function casesFor(program: Command): string {
  const paths: string[] = [];
  const visit = (command: Command, parents: string[]) => {
    for (const sub of command.commands) {
      const target = [...parents, sub.name()].join(' ');
      for (const name of [sub.name(), ...sub.aliases()]) {
        const typed = [...parents, name].join(' ');
        paths.push(`      "${typed}") path="${target}" ;;`);
      }
      visit(sub, [...parents, sub.name()]);
    }
  };
  visit(program, []);
  return paths.join('\n');
}
