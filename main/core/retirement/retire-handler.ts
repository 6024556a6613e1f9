import type { OperationSummary, ParsedCommandInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { startRetirement, type RetirementPorts, type RetirementServices } from './retire-device';

/**
 * The core's `devices:retire` handler. Retirement needs the host: a way to open an SMP client for a
 * device and the key vault behind the station signing key (`RetirementPorts`). A host that supplies
 * neither (or a tool that never retires) answers NOT_IMPLEMENTED naming what is missing.
 */
export function retireHandler(
  services: () => RetirementServices,
  ports: RetirementPorts | undefined,
): (input: ParsedCommandInput<'devices:retire'>) => { operation: OperationSummary } {
  return (input) => {
    if (ports === undefined)
      throw new AppError(
        'NOT_IMPLEMENTED',
        'this host cannot retire devices: it supplies no SMP device access and no station signing key (the core port `retirement`)',
      );
    const context = services();
    const operation = startRetirement(context, ports, {
      deviceId: input.deviceId,
      method: input.method,
      operator: input.operator ?? context.actor,
      extraInventory: { settingNames: input.settingNames ?? [], filePaths: input.filePaths ?? [] },
    });
    return { operation };
  };
}
