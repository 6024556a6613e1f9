import type { ProvisionPlan } from '../../../shared/contract/provision';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { openRecipeSession, parseRecipeFlags, type RecipeCommandOptions } from './recipe-session';

/**
 * `fieldline plan --recipe <file> --device <id|port>`: reads the device and prints what differs from the
 * recipe (firmware, certificate, each setting). Writes nothing to the device or the ledger. Exit 0 when
 * a plan was made (up to date or not), 1 when the recipe, its values or the device were refused, 2 usage.
 */
export async function planRecipeCommand(
  output: CliOutput,
  dataDirFlag: string | undefined,
  options: RecipeCommandOptions,
  stop: AbortSignal,
): Promise<number> {
  const flags = parseRecipeFlags(options);
  if (typeof flags === 'string') {
    await writeLine(output.stderr, flags);
    return EXIT.usage;
  }
  const session = await openRecipeSession(dataDirFlag, options, flags, stop, null);
  try {
    const { plan } = await session.core.handlers['provision:plan'](session.input);
    if (output.isJson) await writeLine(output.stdout, JSON.stringify({ event: 'plan', plan }));
    else for (const line of describePlan(plan)) await writeLine(output.stdout, line);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** The plan as text, one line per thing that could change. Secrets show as "(secret)". */
export function describePlan(plan: ProvisionPlan): string[] {
  const { recipe } = plan;
  const git = recipe.gitCommit === null ? 'not in git' : `git ${recipe.gitCommit.slice(0, 12)}${recipe.isModified ? ' (file modified)' : ''}`;
  const lines = [
    `recipe       ${recipe.name}@${recipe.version} sha256 ${recipe.contentSha256.slice(0, 16)}… ${git}`,
    `device       ${plan.deviceId} (${plan.device.model}, serial ${plan.device.serial}, revision ${plan.device.hardwareRevision})`,
    `firmware     ${plan.firmware.summary}`,
    `certificate  ${plan.certificate.summary}`,
  ];
  for (const setting of plan.settings) lines.push(`setting      ${setting.name}: ${setting.summary}`);
  for (const variable of plan.variables) {
    const value = variable.isSecret ? '(secret)' : JSON.stringify(variable.value);
    const allocation = variable.allocation === null ? '' : variable.allocation.isNew ? ' (new allocation)' : ' (allocated before)';
    lines.push(`variable     ${variable.name} = ${value} from ${variable.source}${allocation}`);
  }
  lines.push(plan.isUpToDate ? 'up to date: apply has nothing to write' : 'apply would change what is listed above');
  return lines;
}
