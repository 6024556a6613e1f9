import type { Command } from 'commander';
import type { CliOutput } from './cli-output';
import { applyRecipeCommand } from './apply-command';
import { planRecipeCommand } from './plan-command';
import { collectSetting, type RecipeCommandOptions } from './recipe-session';

export interface RecipeCommandContext {
  output: () => CliOutput;
  dataDir: () => string | undefined;
  stop: AbortSignal;
  setExitCode: (code: number) => void;
}

/** `fieldline plan` and `fieldline apply`: the same flags, one reads, the other writes. */
export function registerRecipeCommands(program: Command, context: RecipeCommandContext): void {
  const withRecipeFlags = (command: Command): Command =>
    command
      .requiredOption('--recipe <file>', 'the recipe (YAML)')
      .requiredOption('--device <id|port>', 'a device id as `devices` lists it, a serial port path, or udp:host:port')
      .option('--set <name=value>', 'a variable value (repeatable); comes before the CSV, allocators and site values', collectSetting, [])
      .option('--csv <file>', "a device table (CSV) instead of the recipe's own")
      .option('--site <file>', "a site values file (YAML) instead of the recipe's own")
      .option('--hardware-revision <rev>', 'the device hardware revision (default A)')
      .option('--trust-store <file>', 'trust store (default: $FIELDLINE_TRUST_STORE, else the development store)')
      .option('--baud <rate>', 'serial line rate (default 115200)')
      .option('--wait <seconds>', 'with a device id: how long discovery looks for it (default 15)')
      .option('--no-mdns', 'with a device id: do not look on the network')
      .option('--no-serial', 'with a device id: do not probe serial ports');

  withRecipeFlags(program.command('plan'))
    .description('show what differs between a device and a recipe (firmware, certificate, each setting); writes nothing')
    .action(async (options: RecipeCommandOptions) => {
      context.setExitCode(await planRecipeCommand(context.output(), context.dataDir(), options, context.stop));
    });
  withRecipeFlags(program.command('apply'))
    .description('apply a recipe as one operation: flash, enroll, configure (written, saved, read back), verify, record (exit 0/1/2/4)')
    .action(async (options: RecipeCommandOptions) => {
      context.setExitCode(await applyRecipeCommand(context.output(), context.dataDir(), options, context.stop));
    });
}
