import { AppError } from '../../../shared/errors';
import type { CommandHandlers } from '../command-handlers';
import { BundleStore } from '../firmware-library/bundle-store';
import type { OperationService } from '../operations/operation-service';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ProvisionJobs, ProvisionLedger, ProvisionPorts } from './provision-ports';
import { ProvisionService } from './provision-service';

export interface ProvisionHandlerContext {
  ledger: ProvisionLedger;
  operations: OperationService;
  jobs: ProvisionJobs;
  clock: Clock;
  logger: Logger;
  actor: string;
  /** The firmware library's folder: a recipe naming a bundle by SHA-256 finds it there. */
  firmwareFolder: string;
}

/** `provision:plan` and `provision:apply`; NOT_IMPLEMENTED in a host that gives no provisioning ports. */
export function provisionHandlers(
  ports: ProvisionPorts | undefined,
  context: ProvisionHandlerContext,
): Pick<CommandHandlers, 'provision:plan' | 'provision:apply'> {
  if (ports === undefined) {
    const refuse = (): never => {
      throw new AppError('NOT_IMPLEMENTED', 'this host cannot reach devices to provision them');
    };
    return { 'provision:plan': refuse, 'provision:apply': refuse };
  }
  const library = new BundleStore(context.firmwareFolder);
  const service = new ProvisionService({
    ...context,
    ports: {
      lookupBundle: (bundleSha256) => (library.has(bundleSha256) ? library.bundlePath(bundleSha256) : null),
      ...ports,
    },
  });
  return {
    'provision:plan': async (input) => ({ plan: await service.plan(input) }),
    'provision:apply': async (input) => ({ operation: await service.apply(input) }),
  };
}
