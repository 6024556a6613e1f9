import type { CommandName, CommandOutput, ParsedCommandInput } from '../../shared/contract';

/** The core's implementation of every command in the contract; a missing command is a compile error. */
export type CommandHandlers = {
  [N in CommandName]: (input: ParsedCommandInput<N>) => Promise<CommandOutput<N>> | CommandOutput<N>;
};
