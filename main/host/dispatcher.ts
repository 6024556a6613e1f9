import { commands, isCommandName, type Envelope } from '../../shared/contract';
import { AppError, toAppError } from '../../shared/errors';
import type { CommandHandlers } from '../core/command-handlers';
import type { Logger } from '../core/ports/logger';

export interface Dispatcher {
  /** Checks the name against the contract, parses the input from `unknown`, runs the handler, wraps the answer. */
  dispatch(name: unknown, input: unknown): Promise<Envelope<unknown>>;
}

/**
 * The transport-neutral half of both hosts (Electron IPC and WebSocket): one place where names are
 * refused, inputs parsed and errors turned into envelopes, so the two transports cannot drift apart.
 */
export function createDispatcher(handlers: CommandHandlers, logger: Logger): Dispatcher {
  return {
    async dispatch(name, input) {
      try {
        if (!isCommandName(name)) {
          throw new AppError('UNKNOWN_COMMAND', `"${String(name).slice(0, 100)}" is not a command of the contract`);
        }
        const definition = commands[name];
        const parsed = definition.input.safeParse(input);
        if (!parsed.success) {
          throw toAppError(parsed.error);
        }
        const handler = handlers[name] as (input: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        return { ok: true, value };
      } catch (error: unknown) {
        const appError = toAppError(error);
        if (appError.code === 'INTERNAL') logger.error({ err: error, command: name }, 'command failed');
        else logger.warn({ code: appError.code, command: name, message: appError.message }, 'command refused');
        return { ok: false, error: appError.toJSON() };
      }
    },
  };
}
