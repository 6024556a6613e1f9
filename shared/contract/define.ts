import type { z } from 'zod';

/** A request/response pair between the UI (or CLI) and the core. */
export interface CommandDefinition<Name extends string, Input extends z.ZodType, Output extends z.ZodType> {
  readonly kind: 'command';
  readonly name: Name;
  readonly input: Input;
  readonly output: Output;
  /** One sentence: what the command does. */
  readonly doc: string;
}

/** A message the core pushes to every connected UI. */
export interface EventDefinition<Name extends string, Payload extends z.ZodType> {
  readonly kind: 'event';
  readonly name: Name;
  readonly payload: Payload;
  readonly doc: string;
}

export function defineCommand<const Name extends string, Input extends z.ZodType, Output extends z.ZodType>(
  definition: Omit<CommandDefinition<Name, Input, Output>, 'kind'>,
): CommandDefinition<Name, Input, Output> {
  return { kind: 'command', ...definition };
}

export function defineEvent<const Name extends string, Payload extends z.ZodType>(
  definition: Omit<EventDefinition<Name, Payload>, 'kind'>,
): EventDefinition<Name, Payload> {
  return { kind: 'event', ...definition };
}
