import type { OperationSummary } from '../../../shared/contract';
import type { ProvisionInput } from '../../../shared/contract/provision';
import type { AllocationLedger } from '../config/value-allocator';
import type { CoreEventBus } from '../event-bus';
import type { TrustStore } from '../firmware';
import { BundleStore } from '../firmware-library/bundle-store';
import type { Clock } from '../ports/clock';
import { describeBundleWork } from './describe-bundle-work';
import { describeRecipeWork } from './describe-recipe-work';
import { createFlashLineWork, type LineJobs } from './flash-line-work';
import type { LineServiceOptions } from './line-service';
import { createRecipeLineWork, type LineProvisioning } from './recipe-line-work';
import { prepareRecipeRun, type RecipeWork } from './recipe-run-preparation';

export interface LineWorkWiringOptions {
  jobs: LineJobs;
  events: CoreEventBus;
  operations: { whenDone(operationId: string): Promise<OperationSummary>; cancel(operationId: string): unknown };
  /** What `provision:apply` runs (the core's handler); used only once a recipe is locked. */
  applyRecipe: (input: ProvisionInput) => Promise<OperationSummary>;
  /** Where a recipe run reserves the device's allocated values, and under which actor. */
  ledger: AllocationLedger;
  actor: string;
  /** The host's provisioning trust store; absent where the host cannot provision (recipes are then refused). */
  provisioning: { trustStore(): { store: TrustStore } } | undefined;
  /** The firmware library's folder, for recipes naming their bundle by SHA-256. */
  firmwareFolder: string;
  clock: Clock;
}

/**
 * How the core's pieces become the line's work: a locked bundle flashes through the job service, a
 * locked recipe runs `provision:apply` per device and follows the operation through `operations:changed`.
 */
export function lineWorkWiring(options: LineWorkWiringOptions): Pick<LineServiceOptions, 'workFor' | 'describeWork' | 'describeRecipe'> {
  const provisioningFor = (work: RecipeWork): LineProvisioning => ({
    prepare: (deviceId) => prepareRecipeRun(work, deviceId, options.ledger, options.actor),
    apply: options.applyRecipe,
    whenDone: (operationId) => options.operations.whenDone(operationId),
    cancel: (operationId) => void options.operations.cancel(operationId),
    onOperationChanged: (listener) =>
      options.events.onEvent((name, payload) => {
        if (name === 'operations:changed') listener((payload as { operation: OperationSummary }).operation);
      }),
  });
  const library = new BundleStore(options.firmwareFolder);
  const trust = options.provisioning;
  return {
    workFor: (work) =>
      work.kind === 'recipe' ? createRecipeLineWork(provisioningFor(work), work.path) : createFlashLineWork(options.jobs, options.events, work.path),
    describeWork: describeBundleWork,
    ...(trust === undefined
      ? {}
      : {
          describeRecipe: (recipePath: string) =>
            describeRecipeWork(recipePath, {
              trustStore: () => trust.trustStore().store,
              lookupBundle: (bundleSha256) => (library.has(bundleSha256) ? library.bundlePath(bundleSha256) : null),
              now: () => new Date(options.clock.nowMs()),
            }),
        }),
  };
}
